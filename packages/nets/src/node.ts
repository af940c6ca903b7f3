/**
 * Model directories on disk (the `@ghmkit/nets/node` subpath): save and load with
 * node:fs. The Node entry (`@ghmkit/nets` under the `node` condition) includes them;
 * the file names and checks that need no file system are in the main entry (modelFiles.ts).
 */
export { fsIOHandler } from "./io_node";
export { saveModel, loadModel } from "./save";
export type { LoadedModel } from "./save";
