/**
 * Generates a migration from the difference between the entity schemas and the schema the committed
 * migrations build, the way `typeorm migration:generate` does, but against an in-memory PGlite so no
 * server is needed. Usage: npm run migration:generate -w @acc/db -- <Name>
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { openDatabase } from '../src/data-source.js';

const name = process.argv[2];
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  console.error('usage: generate-migration <PascalCaseName>');
  process.exit(2);
}
const db = await openDatabase({ memory: true });
try {
  const sql = await db.dataSource.driver.createSchemaBuilder().log();
  if (sql.upQueries.length === 0) {
    console.log('No changes: the migrations already match the entity schemas.');
    process.exit(0);
  }
  const timestamp = Date.now();
  const className = `${name}${timestamp}`;
  const q = (s: string) => JSON.stringify(s);
  const up = sql.upQueries.map((x) => `    await queryRunner.query(${q(x.query)});`).join('\n');
  const down = sql.downQueries
    .reverse()
    .map((x) => `    await queryRunner.query(${q(x.query)});`)
    .join('\n');
  const file = `src/migrations/${timestamp}-${name}.ts`;
  writeFileSync(
    file,
    `import type { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${className} implements MigrationInterface {\n  name = '${className}';\n\n  async up(queryRunner: QueryRunner): Promise<void> {\n${up}\n  }\n\n  async down(queryRunner: QueryRunner): Promise<void> {\n${down}\n  }\n}\n`,
  );
  const index = 'src/migrations/index.ts';
  const text = readFileSync(index, 'utf8')
    .replace(/\n(export const migrations)/, `\nimport { ${className} } from './${timestamp}-${name}.js';\n$1`)
    .replace(/\];\s*$/, `  ${className},\n];\n`);
  writeFileSync(index, text);
  console.log(`Wrote ${file} (${sql.upQueries.length} statements); review it before committing.`);
} finally {
  await db.close();
}
