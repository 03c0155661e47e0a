// Builds the browser artefacts the Worker serves. Each part registers itself in PARTS; the
// foundation has none yet, so this only makes sure the output folder exists.
import { mkdirSync } from "node:fs";

mkdirSync("dist/public", { recursive: true });
const PARTS = [];
for (const part of PARTS) await part();
