/**
 * Model directories on disk (the `@ghmkit/nets/node` subpath): save and load with
 * node:fs. The Node entry (`@ghmkit/nets` under the `node` condition) includes them;
 * the file names, ghm-model.json's parser and the checks that need no file system are in
 * the main entry (modelFiles.ts, modelMeta.ts).
 */
export { fsIOHandler } from "./io_node";
export { saveModel, loadModel, readModelMeta } from "./save";
export type { LoadedModel } from "./save";
