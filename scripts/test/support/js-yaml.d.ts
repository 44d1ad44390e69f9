/** The one function of js-yaml (a dev dependency without types) the tests use. */
declare module 'js-yaml' {
  /** Parses one YAML document; throws on anything that is not YAML. */
  export function load(text: string): unknown;
  const yaml: { load: typeof load };
  export default yaml;
}
