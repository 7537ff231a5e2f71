/**
 * The demo community: Nimbus Home, a smart-home hub with a phone app and a paid "Nimbus Plus" plan.
 * Written for this project. Each thread names its asker, answers (with how many people upvoted
 * them) and which answer the asker accepted or staff verified.
 */
export const DEMO_PASSWORD = "hearth-demo-2026";

export const demoAccounts = [
  { email: "admin@example.com", username: "ada", role: "admin" },
  { email: "staff@example.com", username: "sam-support", role: "staff" },
  { email: "customer@example.com", username: "casey", role: "customer" },
  { email: "member@example.com", username: "morgan", role: "member" },
  { email: "priya@example.com", username: "priya-support", role: "staff" },
  { email: "li.wei@example.com", username: "liwei", role: "customer" },
  { email: "jonas@example.com", username: "jonas-h", role: "customer" },
  { email: "amara@example.com", username: "amara", role: "customer" },
  { email: "tomas@example.com", username: "tomas", role: "member" },
  { email: "ruth@example.com", username: "ruth-k", role: "customer" },
  { email: "dev@example.com", username: "devon", role: "member" },
  { email: "noor@example.com", username: "noor", role: "customer" },
] as const;

export const demoCategories = [
  { slug: "getting-started", name: "Getting started", description: "Unboxing, first set-up and moving house." },
  { slug: "devices", name: "Devices & pairing", description: "Adding lights, locks, sensors and thermostats." },
  { slug: "automations", name: "Automations & scenes", description: "Routines, schedules, presence and scenes." },
  { slug: "app-account", name: "App & account", description: "The phone app, sign-in, sharing your home." },
  { slug: "billing", name: "Billing & plans", description: "Nimbus Plus, invoices, refunds." },
  { slug: "troubleshooting", name: "Troubleshooting", description: "When something stops working." },
];

export const demoTags: [string, string][] = [
  ["setup", "First set-up of the hub and app."],
  ["wifi", "Wi-Fi and network connection of the hub."],
  ["zigbee", "Zigbee devices: most bulbs, plugs and sensors."],
  ["z-wave", "Z-Wave devices: many locks and relays."],
  ["firmware", "Hub and device firmware updates."],
  ["ios", "The Nimbus app on iPhone and iPad."],
  ["android", "The Nimbus app on Android."],
  ["automations", "Routines that run on their own."],
  ["scenes", "Saved states for several devices."],
  ["thermostat", "Heating and cooling."],
  ["lights", "Bulbs, switches and dimmers."],
  ["locks", "Smart locks and keypads."],
  ["cameras", "Cameras and doorbells."],
  ["billing", "Payments and invoices."],
  ["nimbus-plus", "The Nimbus Plus subscription."],
  ["voice-assistants", "Alexa, Google Assistant and Siri."],
  ["offline", "The hub or a device shows offline."],
  ["energy", "Energy monitoring."],
  ["notifications", "Push, email and SMS alerts."],
  ["sharing", "Sharing your home with others."],
];

type DemoAnswer = { by: string; body: string; up?: number };
export type DemoThread = {
  category: string;
  tags: string[];
  by: string;
  daysAgo: number;
  title: string;
  body: string;
  answers?: DemoAnswer[];
  accepted?: number;
  verified?: number;
  up?: number;
};

export const demoThreads: DemoThread[] = [
  {
    category: "getting-started",
    tags: ["setup", "wifi"],
    by: "casey",
    daysAgo: 62,
    up: 6,
    title: "Hub setup stops at “Looking for your hub” on 5 GHz Wi-Fi",
    body: "I plugged in the new hub, the ring is pulsing blue, but the app sits on **Looking for your hub** for ever. My router has one network name for both 2.4 and 5 GHz. Phone is on the same Wi-Fi. What am I missing?",
    answers: [
      {
        by: "tomas",
        up: 4,
        body: "The hub only talks 2.4 GHz. With one name for both bands your phone is probably on 5 GHz and the discovery broadcast never crosses. Turn off 5 GHz for ten minutes during setup, then turn it back on.",
      },
      {
        by: "sam-support",
        up: 9,
        body: "Tomas is right about the cause. You don't need to switch 5 GHz off, though:\n\n1. In the app choose **Set up with cable** instead.\n2. Plug the hub into the router with the included Ethernet cable.\n3. Once it's added, go to *Hub → Network* and pick your Wi-Fi; the hub joins the 2.4 GHz side by itself.\n\nThe hub can stay on Wi-Fi afterwards and the cable can go.",
      },
    ],
    accepted: 1,
    verified: 1,
  },
  {
    category: "getting-started",
    tags: ["setup"],
    by: "amara",
    daysAgo: 58,
    up: 3,
    title: "Can I move my hub to a new house without redoing every device?",
    body: "We're moving next month. I have 34 devices and a lot of automations. Is there a way to keep all of it, or do I need to factory reset and pair everything again?",
    answers: [
      {
        by: "priya-support",
        up: 7,
        body: "You keep everything. Devices are stored on the hub and your automations in your account. At the new place, power the hub up and use *Hub → Network → Change Wi-Fi* (or plug in Ethernet). Battery devices re-join on their own within a day; press a button on any sensor to hurry it up. Only change the **home address** in *Settings → Home* so sunrise/sunset times and weather are right.",
      },
      {
        by: "jonas-h",
        up: 2,
        body: "Did this last year. Everything came back except two Z-Wave plugs that were out of range of the hub in the new layout; a repeater plug fixed it.",
      },
    ],
    accepted: 0,
    verified: 0,
  },
  {
    category: "getting-started",
    tags: ["setup", "sharing"],
    by: "morgan",
    daysAgo: 41,
    title: "Do I need a separate account for my partner?",
    body: "My partner wants to control the lights from their phone too. Should they log in with my email and password?",
    answers: [
      {
        by: "casey",
        up: 3,
        body: "Don't share the login. Invite them from *Settings → People → Invite*. They get their own account, you can take access away later, and the activity log shows who did what.",
      },
    ],
    accepted: 0,
  },
  {
    category: "getting-started",
    tags: ["setup", "android"],
    by: "noor",
    daysAgo: 12,
    title: "App asks for location permission during setup: why?",
    body: "The Android app wants *precise location, all the time*. I don't love that. Is it required?",
    answers: [
      {
        by: "tomas",
        up: 1,
        body: "Android requires location permission for any app that scans for Wi-Fi or Bluetooth devices; that's Google's rule, not Nimbus's. You can switch it to *only while using the app* after setup. Presence automations (arrive/leave home) are the only feature that need *all the time*.",
      },
    ],
  },
  {
    category: "devices",
    tags: ["zigbee", "lights"],
    by: "liwei",
    daysAgo: 55,
    up: 5,
    title: "Philips Hue bulbs won't pair directly with the hub",
    body: "I have six Hue bulbs, no Hue bridge. Pairing mode on the hub runs for 60 seconds and finds nothing. The bulbs were on the Hue bridge before at my old flat.",
    answers: [
      {
        by: "devon",
        up: 6,
        body: "Bulbs that were on a Hue bridge stay bound to it. You need to reset them first. Easiest way without the bridge: switch the bulb on and off five times (on 1 s, off 1 s) until it blinks, then start pairing on the hub with the bulb within a metre.",
      },
      {
        by: "sam-support",
        up: 4,
        body: "Adding to Devon's answer: if the blinking trick doesn't work, the Hue app on your phone can reset a bulb over Bluetooth (*Settings → Lights → Add → Search*, then *Reset*). After that the bulb pairs as a normal Zigbee light.",
      },
    ],
    accepted: 0,
    verified: 0,
  },
  {
    category: "devices",
    tags: ["z-wave", "locks"],
    by: "jonas-h",
    daysAgo: 50,
    title: "Yale Z-Wave lock pairs but shows “secure inclusion failed”",
    body: "The lock appears in the app but with a warning triangle and I can't lock or unlock from the app. Tried three times.",
    answers: [
      {
        by: "priya-support",
        up: 5,
        body: "Locks need S2 secure inclusion. When you add it, the app asks for the **5-digit DSK PIN** printed on the lock's QR sticker (inside the battery cover). If you skip that screen, the lock joins without security and refuses commands. Remove the lock (*Device → Remove*), then add it again and enter the PIN.",
      },
      {
        by: "tomas",
        up: 1,
        body: "Also make sure the lock is within a few metres of the hub during inclusion. Move the hub temporarily if you have to.",
      },
    ],
    accepted: 0,
    verified: 0,
  },
  {
    category: "devices",
    tags: ["thermostat"],
    by: "ruth-k",
    daysAgo: 47,
    up: 2,
    title: "Which thermostats work with Nimbus Home?",
    body: "Looking at replacing my old Honeywell. Which ones can I control and schedule from Nimbus, not just turn on and off?",
    answers: [
      {
        by: "devon",
        up: 3,
        body: "Any Zigbee thermostat with the standard *thermostat* cluster works fully (setpoint, mode, schedule). Z-Wave ones too. Wi-Fi thermostats depend on a cloud integration; ecobee and Nest work through *Settings → Integrations*, with a few seconds of delay.",
      },
      {
        by: "sam-support",
        up: 2,
        body: "There's a compatibility list in the knowledge base. For UK combi boilers, check the thermostat supports OpenTherm if you want modulation rather than on/off.",
      },
    ],
    accepted: 0,
  },
  {
    category: "devices",
    tags: ["cameras", "wifi"],
    by: "amara",
    daysAgo: 33,
    title: "Doorbell camera live view takes 10+ seconds to start",
    body: "Live view from the Nimbus doorbell takes forever to load on mobile data. On Wi-Fi at home it's about 2 seconds. Is that normal?",
    answers: [
      { by: "liwei", body: "Mine's the same on mobile data. I think it's relayed through the cloud when you're away." },
    ],
  },
  {
    category: "devices",
    tags: ["zigbee", "offline"],
    by: "casey",
    daysAgo: 9,
    title: "Motion sensor in the garage keeps dropping offline",
    body: "The garage sensor is about 15 m from the hub through two walls. It works for a day, then shows offline until I take the battery out. Battery is new.",
    answers: [
      {
        by: "tomas",
        up: 2,
        body: "Zigbee sensors don't repeat; they need a mains-powered Zigbee device (a smart plug or bulb) between them and the hub. Put a plug halfway, then re-pair the sensor next to the plug so it picks it as its parent.",
      },
    ],
  },
  {
    category: "devices",
    tags: ["energy"],
    by: "noor",
    daysAgo: 3,
    title: "Energy readings from smart plugs don't match my electricity bill",
    body: "Adding up all my plugs in the energy page gives about 40% of what the bill says for the month. Are the plugs inaccurate?",
  },
  {
    category: "automations",
    tags: ["automations", "lights"],
    by: "morgan",
    daysAgo: 45,
    up: 4,
    title: "Turn the porch light on at sunset, off at 11 pm",
    body: "Simple one but I can't see how to mix sunset with a fixed time in the same automation.",
    answers: [
      {
        by: "casey",
        up: 5,
        body: "Use two triggers in one automation. *When: Sunset* → *Then: Porch light on*. Add a second automation *When: 23:00* → *Then: Porch light off*. One automation can't have different actions per trigger yet.",
      },
      {
        by: "priya-support",
        up: 6,
        body: "You can do it in one since app 4.3: add both triggers, then in *Then* choose **Depending on trigger**. Sunset → on, 23:00 → off. Casey's two-automation way works on every version too.",
      },
    ],
    accepted: 0,
    verified: 1,
  },
  {
    category: "automations",
    tags: ["automations"],
    by: "jonas-h",
    daysAgo: 38,
    title: "Presence automation fires when I'm still at home",
    body: "“Everyone left” runs at random times at night and turns off the heating. Both our phones are at home, charging.",
    answers: [
      {
        by: "devon",
        up: 3,
        body: "Phones on battery saver stop reporting location. On iPhone, check *Settings → Nimbus → Location → Always* and *Precise*. On Android, exclude Nimbus from battery optimisation.",
      },
      {
        by: "sam-support",
        up: 4,
        body: "Also turn on **Confirm with Wi-Fi** in *Automations → Presence*: the hub then treats a phone connected to your home Wi-Fi as home even if its location reports are late. That stops nearly all false departures.",
      },
    ],
    accepted: 1,
    verified: 1,
  },
  {
    category: "automations",
    tags: ["scenes", "voice-assistants"],
    by: "ruth-k",
    daysAgo: 30,
    title: "Alexa can see my scenes but says “device not responding”",
    body: "Scenes show up in the Alexa app. When I say *Alexa, turn on Movie Night* she says it isn't responding, but the scene actually runs.",
    answers: [
      {
        by: "tomas",
        up: 2,
        body: "Known quirk: scenes have no on/off state, and Alexa waits for one. Disable and re-enable the Nimbus skill; recent versions report scenes as *activated* and the error goes away.",
      },
    ],
    accepted: 0,
  },
  {
    category: "automations",
    tags: ["automations", "notifications"],
    by: "liwei",
    daysAgo: 21,
    title: "Get a notification if the back door is open for more than 5 minutes",
    body: "I want a push if the door sensor stays open for 5 minutes, but not every time it opens.",
    answers: [
      {
        by: "casey",
        up: 3,
        body: "*When: Back door opens* → *Only if: it stays open for 5 minutes* (the **for** option under the trigger) → *Then: Notify me*.",
      },
    ],
    accepted: 0,
  },
  {
    category: "automations",
    tags: ["thermostat", "automations"],
    by: "amara",
    daysAgo: 6,
    title: "Heating schedule ignores the “away” mode",
    body: "I set the home to Away but the thermostat schedule still heats to 21 °C at 6 am. Shouldn't away override it?",
  },
  {
    category: "automations",
    tags: ["scenes"],
    by: "noor",
    daysAgo: 2,
    title: "Can a scene set lights to a percentage of their current brightness?",
    body: "I want a “dim everything by half” scene rather than fixed levels.",
  },
  {
    category: "app-account",
    tags: ["ios", "notifications"],
    by: "casey",
    daysAgo: 52,
    title: "No push notifications on iPhone after iOS update",
    body: "Since updating iOS I get no alerts from Nimbus at all. Notifications are allowed in Settings.",
    answers: [
      { by: "devon", up: 2, body: "Sign out of the app and back in; that registers a fresh push token." },
      {
        by: "priya-support",
        up: 5,
        body: "Devon's fix is the right one. If it still fails, check *Settings → Focus*: the new Focus modes silence apps that aren't on the allowed list even when notifications are on.",
      },
    ],
    accepted: 0,
    verified: 1,
  },
  {
    category: "app-account",
    tags: ["sharing"],
    by: "ruth-k",
    daysAgo: 44,
    title: "Give the cleaner access to the front door only on Tuesdays",
    body: "Is there a way to share just the lock, and only on certain days?",
    answers: [
      {
        by: "sam-support",
        up: 4,
        body: "Yes: *Settings → People → Invite → Guest*. Choose only the front door lock and set a schedule (Tuesdays 9:00–13:00). Outside that window the guest sees nothing. If your lock has a keypad, a scheduled PIN code is even simpler: *Lock → Codes → Add scheduled code*.",
      },
    ],
    accepted: 0,
    verified: 0,
  },
  {
    category: "app-account",
    tags: ["android"],
    by: "jonas-h",
    daysAgo: 28,
    title: "Widgets on Android home screen show stale state",
    body: "The widget says the lights are off when they're on. Tapping it refreshes but it's wrong again later.",
    answers: [
      {
        by: "tomas",
        up: 1,
        body: "Widgets only refresh every 30 minutes on Android unless the app is allowed to run in the background. Exclude Nimbus from battery optimisation.",
      },
    ],
  },
  {
    category: "app-account",
    tags: ["setup"],
    by: "morgan",
    daysAgo: 17,
    title: "How do I turn on two-step verification?",
    body: "I'd like to protect my account with an authenticator app.",
    answers: [
      {
        by: "casey",
        up: 2,
        body: "*Settings → Account → Security → Two-step verification*. It supports authenticator apps and passkeys. Save the recovery codes somewhere safe.",
      },
    ],
    accepted: 0,
  },
  {
    category: "app-account",
    tags: ["ios"],
    by: "noor",
    daysAgo: 4,
    title: "Apple Watch app doesn't list my scenes",
    body: "The watch app shows favourites only. Where do I pick which scenes show up?",
  },
  {
    category: "billing",
    tags: ["billing", "nimbus-plus"],
    by: "amara",
    daysAgo: 40,
    up: 3,
    title: "Charged twice for Nimbus Plus this month",
    body: "My bank statement shows two charges of €4.99 on the same day. I only have one home.",
    answers: [
      {
        by: "sam-support",
        up: 6,
        body: "Sorry about that. The second line is usually a card authorisation that drops off within 5 working days; it's not a real charge. If it's still there after a week, reply here and we'll open a support request and refund it straight away.",
      },
    ],
    accepted: 0,
    verified: 0,
  },
  {
    category: "billing",
    tags: ["nimbus-plus"],
    by: "liwei",
    daysAgo: 35,
    title: "What do I lose if I cancel Nimbus Plus?",
    body: "Thinking of cancelling. Will my automations stop working?",
    answers: [
      {
        by: "priya-support",
        up: 5,
        body: "Automations, scenes and local control stay free forever. You lose 30-day camera history (free keeps 24 hours), the energy reports beyond 7 days, and remote access to more than 2 cameras. Nothing is deleted when you cancel; history older than the free limit simply stops being kept.",
      },
    ],
    accepted: 0,
    verified: 0,
  },
  {
    category: "billing",
    tags: ["billing"],
    by: "ruth-k",
    daysAgo: 20,
    title: "Need a VAT invoice with my company name",
    body: "I bought a hub for the office. Where can I get an invoice with the company name and VAT number?",
    answers: [{ by: "casey", body: "I think it's under Settings → Billing, there's an edit button for the address." }],
  },
  {
    category: "billing",
    tags: ["billing", "nimbus-plus"],
    by: "jonas-h",
    daysAgo: 1,
    title: "Student discount for Nimbus Plus?",
    body: "Is there any discount for students? The annual plan is a bit much right now.",
  },
  {
    category: "troubleshooting",
    tags: ["offline", "firmware"],
    by: "casey",
    daysAgo: 26,
    up: 8,
    title: "Hub offline after firmware 4.2 update: ring blinking red",
    body: "The hub updated overnight and now the ring blinks red every 2 seconds. The app says offline. Power-cycling didn't help.\n\n```\nHub: NH-200\nFirmware: 4.2.0 (build 4210)\nLast seen: 02:14\n```",
    answers: [
      {
        by: "devon",
        up: 3,
        body: "Same here. Mine came back after unplugging for a full minute, not just a quick power cycle.",
      },
      {
        by: "priya-support",
        up: 12,
        body: "Thanks for the details: 4.2.0 had a bug where the hub lost its Wi-Fi credentials if the router was on channel 13. Fix:\n\n1. Hold the reset button for **2 seconds** (not 10; that's a factory reset) until the ring turns yellow.\n2. In the app, *Hub → Reconnect to Wi-Fi*.\n3. The hub then installs **4.2.1**, which fixes it for good.\n\nYour devices and automations are kept.",
      },
      { by: "tomas", up: 1, body: "Worked for me; my router was on channel 13 indeed." },
    ],
    accepted: 1,
    verified: 1,
  },
  {
    category: "troubleshooting",
    tags: ["zigbee", "lights"],
    by: "morgan",
    daysAgo: 23,
    title: "Lights turn on by themselves around 3 am",
    body: "Twice this week the living room lights came on at about 3 am. No automation is set for that time. Ghost?",
    answers: [
      {
        by: "tomas",
        up: 2,
        body: "Look at the device's activity log; it says what turned it on (automation, app user, or *device*). *Device* usually means a power blip: many bulbs default to ON after power returns. Set *Power-on behaviour → Previous state* in the bulb settings.",
      },
      {
        by: "sam-support",
        up: 3,
        body: "Tomas nailed it; we also saw grid blips around 3 am in a few areas that week. The power-on setting is the fix.",
      },
    ],
    accepted: 0,
    verified: 0,
  },
  {
    category: "troubleshooting",
    tags: ["z-wave", "offline"],
    by: "liwei",
    daysAgo: 19,
    title: "Z-Wave devices slow to respond, 5–10 s delay",
    body: "All my Z-Wave switches got slow after I added a new one. Zigbee devices are fine.",
    answers: [
      {
        by: "devon",
        up: 2,
        body: "Run *Hub → Z-Wave → Heal network* at night. Adding a device far from the hub can leave routes stale.",
      },
      {
        by: "jonas-h",
        body: "Also check the new device isn't a battery one set as a router; some cheap ones misreport.",
      },
    ],
    accepted: 0,
  },
  {
    category: "troubleshooting",
    tags: ["cameras"],
    by: "amara",
    daysAgo: 15,
    title: "Camera recordings have no sound",
    body: "Clips from my indoor camera have video but no audio. The microphone works in live view.",
    answers: [{ by: "noor", body: "Check *Camera → Recording → Record audio*. It's off by default for privacy." }],
    accepted: 0,
  },
  {
    category: "troubleshooting",
    tags: ["voice-assistants"],
    by: "ruth-k",
    daysAgo: 11,
    title: "Google Home lost all my Nimbus devices",
    body: "Google Home says “Nimbus: account not linked” and all devices disappeared from Google. Relinking fails with “Couldn't update the setting”.",
    answers: [
      { by: "tomas", body: "Try unlinking from the Google Home app first, then wait 10 minutes before linking again." },
    ],
  },
  {
    category: "troubleshooting",
    tags: ["thermostat", "offline"],
    by: "jonas-h",
    daysAgo: 8,
    title: "Thermostat shows 0 °C and won't heat",
    body: "The thermostat reads 0 °C in the app and heating won't start. The display on the wall shows 19 °C.",
  },
  {
    category: "troubleshooting",
    tags: ["wifi", "offline"],
    by: "noor",
    daysAgo: 5,
    title: "Hub drops off Wi-Fi every evening around 7 pm",
    body: "Every evening the hub goes offline for 20–30 minutes, then comes back. Nothing else on the network has problems. Could it be interference from the microwave?",
    answers: [
      { by: "devon", body: "Could be the microwave if the hub is in the kitchen. Try moving it, or use Ethernet." },
    ],
  },
  {
    category: "troubleshooting",
    tags: ["locks", "notifications"],
    by: "casey",
    daysAgo: 0,
    title: "Lock jammed notification but the door locked fine",
    body: "I keep getting *Lock jammed* alerts although the bolt goes fully in. It's a Nimbus Lock Pro, firmware 2.8.",
  },
  {
    category: "devices",
    tags: ["lights", "zigbee"],
    by: "tomas",
    daysAgo: 36,
    title: "IKEA Tradfri remote: can it control Nimbus lights directly?",
    body: "I have a Tradfri remote left over. Can I pair it to the hub and use it for the kitchen lights?",
    answers: [
      {
        by: "devon",
        up: 3,
        body: "Yes. Pair it as a device (press the pairing button 4 times near the hub). It shows up as a *button* and you map each press to an action in automations.",
      },
    ],
    accepted: 0,
  },
  {
    category: "getting-started",
    tags: ["setup", "voice-assistants"],
    by: "liwei",
    daysAgo: 31,
    title: "Best way to name devices so voice assistants understand them",
    body: "Alexa keeps mixing up “kitchen light” and “kitchen lights”. Any naming tips?",
    answers: [
      {
        by: "ruth-k",
        up: 2,
        body: "Use distinct words per device and groups for plurals: *Kitchen ceiling*, *Kitchen counter*, and a group called *Kitchen*. Avoid numbers; they're misheard.",
      },
      {
        by: "sam-support",
        up: 3,
        body: "Good advice from Ruth. Also: rooms in Nimbus become rooms in Alexa/Google, so *turn on the lights* in a room with an Echo works without naming the room.",
      },
    ],
    accepted: 0,
    verified: 1,
  },
  {
    category: "automations",
    tags: ["automations", "energy"],
    by: "devon",
    daysAgo: 27,
    title: "Run the dishwasher plug only when electricity is cheap",
    body: "My tariff has cheap hours from 1 am to 5 am. Can the plug wait until then if I press start in the evening?",
    answers: [
      {
        by: "tomas",
        up: 1,
        body: "*When: 01:00* → *Then: Dishwasher plug on*; and *When: dishwasher power drops below 2 W for 10 minutes* → *plug off*. Leave the machine in start mode; most resume when power returns.",
      },
    ],
  },
  {
    category: "app-account",
    tags: ["sharing", "notifications"],
    by: "amara",
    daysAgo: 14,
    title: "My partner gets my notifications too: can we split them?",
    body: "Both of us get every motion alert. I want the camera alerts, they want the door alerts.",
    answers: [
      {
        by: "casey",
        up: 1,
        body: "Notifications are per person: each of you opens *Settings → Notifications* on your own phone and turns off what you don't want.",
      },
    ],
    accepted: 0,
  },
  {
    category: "billing",
    tags: ["billing"],
    by: "morgan",
    daysAgo: 10,
    title: "Refund for a hub that arrived with a cracked case",
    body: "The hub works but the case is cracked from shipping. Can I get a replacement?",
    answers: [
      {
        by: "priya-support",
        up: 2,
        body: "Sorry it arrived like that. Yes: send a photo through *Help → Contact us → Damaged in delivery* and we ship a new one; keep the old one until the new one arrives so you don't lose your setup.",
      },
    ],
    verified: 0,
  },
  {
    category: "troubleshooting",
    tags: ["ios", "cameras"],
    by: "ruth-k",
    daysAgo: 7,
    title: "Camera clips won't download on iPhone",
    body: "Tapping *Save to Photos* on a clip spins for ever. Live view works.",
    answers: [{ by: "noor", body: "Same for me on iOS 19. Saving from the web app works as a workaround." }],
  },
  {
    category: "devices",
    tags: ["locks", "z-wave"],
    by: "noor",
    daysAgo: 13,
    title: "Keypad codes: how many can the lock store?",
    body: "We run a holiday let and want a code per guest. Is there a limit?",
    answers: [
      {
        by: "jonas-h",
        up: 1,
        body: "Depends on the lock; mine (Yale) holds 250. The app shows the limit under *Lock → Codes*.",
      },
    ],
    accepted: 0,
  },
  {
    category: "getting-started",
    tags: ["setup", "firmware"],
    by: "devon",
    daysAgo: 18,
    title: "Should I turn off automatic firmware updates?",
    body: "After the 4.2 issue I'm wary. Can I choose when updates install?",
    answers: [
      {
        by: "sam-support",
        up: 4,
        body: "You can set a maintenance window in *Hub → Updates* (e.g. Sunday 3–4 am) or switch to *Ask me first*. We recommend not turning updates off entirely: they include security fixes.",
      },
    ],
    accepted: 0,
    verified: 0,
  },
  {
    category: "automations",
    tags: ["automations", "cameras", "notifications"],
    by: "casey",
    daysAgo: 16,
    title: "Only alert on people, not cats",
    body: "My camera sends an alert every time the cat walks past. Can it only alert when it sees a person?",
    answers: [
      {
        by: "priya-support",
        up: 3,
        body: "With Nimbus Plus, set *Camera → Detection → Alert on: People*. Without Plus, use an activity zone that excludes the floor where the cat walks.",
      },
    ],
    verified: 0,
  },
];
