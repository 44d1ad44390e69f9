// What the image ships, read from the Dockerfile so that the benchmark cannot drift from it:
//
//   node bench/lib/image.mjs major DOCKERFILE   the Node major of the runtime stage (its last
//                                               `FROM node:MAJOR...`), e.g. 24
//   node bench/lib/image.mjs flags DOCKERFILE   the Node flags of its CMD (the words between
//                                               "node" and "server/dist/main.js"), one a line

import fs from 'node:fs';

const SCRIPT = 'server/dist/main.js';

/** The major of the last `FROM node:MAJOR...` line. */
export function imageNodeMajor(dockerfile) {
  const majors = [...dockerfile.matchAll(/^FROM\s+node:(\d+)\S*/gm)].map((match) => match[1]);
  if (majors.length === 0) throw new Error('no `FROM node:MAJOR...` line in the Dockerfile');
  return majors.at(-1);
}

/** The words between "node" and the server's script in the last `CMD [...]` (exec form). */
export function imageNodeFlags(dockerfile) {
  const commands = [...dockerfile.matchAll(/^CMD\s*(\[.*\])\s*$/gm)].map((match) => match[1]);
  if (commands.length === 0) throw new Error('no `CMD [...]` line in the Dockerfile');
  const words = JSON.parse(commands.at(-1));
  const script = words.indexOf(SCRIPT);
  if (words[0] !== 'node' || script < 0) {
    throw new Error(`the Dockerfile's CMD is not ["node", ...flags, "${SCRIPT}", ...]`);
  }
  return words.slice(1, script);
}

const [what, file] = process.argv.slice(2);
if (file) {
  const dockerfile = fs.readFileSync(file, 'utf8');
  if (what === 'major') console.log(imageNodeMajor(dockerfile));
  else if (what === 'flags') for (const flag of imageNodeFlags(dockerfile)) console.log(flag);
  else throw new Error('usage: image.mjs major|flags DOCKERFILE');
}
