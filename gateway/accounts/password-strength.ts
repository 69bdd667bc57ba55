/**
 * Guessability of a password with zxcvbn (HIC GL 第5-4-i: 推測されにくいパスワード; MID-NET 別紙 2-(3)-iv k).
 * The dictionaries (common passwords, English words and names) and keyboard graphs are loaded once, on first
 * use, because they cost about 100 ms and several MB; without them zxcvbn rates `password123` as strong.
 */
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/** Words of this service that make a password easy to guess for an insider (fed to zxcvbn as user inputs). */
const SERVICE_WORDS = ['hic', 'ndb', 'mhlw', 'kouseiroudoushou', 'gateway', 'analysis', 'kaiseki', 'iryou', 'kaigo'];

let factory: Promise<ZxcvbnFactory> | undefined;

/**
 * Levenshtein matching is off: it finds near-dictionary words a little better but costs 200–400 ms of
 * synchronous CPU per check, which would stall every proxied request on this instance meanwhile.
 */
async function build(): Promise<ZxcvbnFactory> {
  const [core, common, en] = await Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]);
  return new core.ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
    useLevenshteinDistance: false,
  });
}

/**
 * zxcvbn score of `pw`: 0 (guessable in < 10³ tries) to 4 (> 10¹⁰). `userInputs` (user id, name) are treated as
 * dictionary words, so passwords derived from them score low.
 */
export async function passwordScore(pw: string, userInputs: readonly string[] = []): Promise<0 | 1 | 2 | 3 | 4> {
  if (factory === undefined) {
    factory = build();
    factory.catch(() => {
      factory = undefined;
    });
  }
  const zxcvbn = await factory;
  const result = await zxcvbn.checkAsync(pw, [...userInputs, ...SERVICE_WORDS]);
  return result.score;
}
