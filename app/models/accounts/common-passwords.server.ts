/**
 * Passwords of 8+ characters that top the published breach-frequency lists (e.g. the SecLists
 * "10k most common" and NCSC "100k" lists), compared case-insensitively. Short and hand-kept on
 * purpose: it stops the guesses an attacker tries first, not every weak password.
 */
const COMMON_PASSWORDS = new Set(
  `password 12345678 123456789 1234567890 password1 password123 iloveyou1 qwertyuiop 11111111
  00000000 88888888 87654321 12341234 11223344 abcd1234 1qaz2wsx qwerty123 qwerty12 1q2w3e4r
  1q2w3e4r5t 1q2w3e4r5t6y zaq12wsx sunshine princess football baseball superman starwars
  trustno1 welcome1 welcome123 passw0rd p@ssw0rd p@ssword letmein1 iloveyou michael1 jennifer
  computer internet whatever charlie1 dragon12 monkey12 master12 shadow12 password! admin123
  administrator changeme changeme1 qwertyui asdfghjk asdfghjkl zxcvbnm1 zxcvbnmm 1234qwer
  qwer1234 q1w2e3r4 a1b2c3d4 aa123456 123123123 123456780 987654321 666666666 999999999 password2
  password12 secret123 football1 baseball1 michelle jordan23 liverpool arsenal1 chelsea1 mustang1
  corvette mercedes ferrari1 samsung1 linkedin facebook123 google123 iloveyou2 lovely123 hello123
  helloworld 123qweasd qweasdzxc 1qazxsw2 !qaz2wsx 147258369 159753456 741852963 qazwsxedc
  blink182 buster12 cookie123 daniel123 butterfly chocolate pokemon1 naruto123 matrix123
  soccer12 hockey12 summer2024 summer2025 summer2026 winter2025 winter2026 spring2026
  autumn2026 welcome2026 password2026 hearth123 hearthdemo 1234abcd abc12345 abcdefgh
  abcdefg1 aaaaaaaa 12121212 112233445566 qwerty1234 asdf1234 zxcv1234 loveyou1 sweetheart
  babygirl1 princess1 angel123 jesus123 trinity1 freedom1 whatever1 nothing1 access14
  unknown1 security1 master123 login123 user1234 test1234 testtest guest123 default1`
    .split(/\s+/)
    .filter(Boolean),
);

export function isCommonPassword(password: string) {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}
