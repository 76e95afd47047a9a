/** This process's marks so far: [event, process.hrtime.bigint() as a number, path]. */
export function phaseMarks(): [event: string, ns: number, path: string][];
