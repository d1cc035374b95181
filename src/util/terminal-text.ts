// Text from the network (a peer's hostname, its shutdown communication) on
// its way to a terminal or a log line: control characters become visible
// escapes so they cannot move the cursor, recolour or retitle the terminal.
// JSON.stringify escapes C0 only; DEL and the C1 range (U+0080-U+009F, where
// U+009B is a one-character CSI for some terminals) are escaped here too.

const C1_AND_DEL = /[\u007f-\u009f]/g;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

const hex4 = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `s` in double quotes, every control character (C0, DEL, C1) escaped: one visibly delimited line. */
export function quoteText(s: string): string {
  return JSON.stringify(s).replace(C1_AND_DEL, hex4);
}

/** `s` unquoted with every control character (C0, DEL, C1) written as a four-digit \u escape. */
export function escapeControls(s: string): string {
  return s.replace(CONTROL, hex4);
}
