/** "once", "2 times": how often something happened, for sentences such as "viewed once". */
export const timesText = (count: number) => (count === 1 ? "once" : `${count.toLocaleString("en")} times`);
