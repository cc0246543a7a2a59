// Builds the render helper (tools/render: kustomize and Helm at pinned versions) into
// ~/.cache/gitgate/render/<digest of its source>/ on first use; a later run with the same source costs
// nothing. `npm test`, `npm run bench` and `npm run demo` run it; GITGATE_RENDER skips it.
import { ensureRenderHelper } from "../src/rendering/render-helper-binary.js";

if (!process.env.GITGATE_RENDER) {
  try {
    console.error(`Render helper: ${ensureRenderHelper()}`);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}
