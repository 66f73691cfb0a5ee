/** True when `filename` is the file node (or tsx) was started with, rather than a module imported by another. */
export function isEntryPoint(filename: string): boolean {
  // miniprogram-api-typings declares its own global `require` and `module`, which hide Node's.
  return (require as unknown as NodeJS.Require).main?.filename === filename;
}
