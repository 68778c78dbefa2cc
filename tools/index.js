import { createPredictTool } from "./router_predict.js";
import { createStatusTool } from "./router_status.js";
import { createAnalyzeTool, createOptimizeTool, createShiftTool } from "./router_optimize.js";

/** Every agent tool this plugin registers; the manifest's contracts.tools lists the same names. */
export function createTools(deps) {
  return [createStatusTool(deps), createPredictTool(deps), createAnalyzeTool(deps), createOptimizeTool(deps), createShiftTool(deps)];
}
