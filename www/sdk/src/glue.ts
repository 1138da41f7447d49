// www/sdk/src/glue.ts: the type of the wasm-bindgen glue module a profile build ships (`/dist/<profile>/harness.js`).

/** The exports of `harness.js` that the SDK calls (see `dist/<profile>/harness.d.ts`). */
export interface HarnessGlue {
  default(init: { module_or_path: string | URL | WebAssembly.Module }): Promise<unknown>;
  adapter_name(): string;
  clock_info(): string;
  cold_start_wire(
    seed: number,
    iterations: number,
    warmup: number,
    framework: string,
    user_agent: string,
    measured_json: string,
  ): string;
  default_warmup(): number;
  harness_profile(): string;
  harness_version(): string;
  min_iterations(): number;
  run_scenario(
    workload: string,
    seed: number,
    iterations: number,
    warmup: number,
    framework: string,
    user_agent: string,
  ): string;
  seed_set(): Float64Array;
  summarize_wire(wire_json: string, environment: string): string;
  trace_enabled(): boolean;
  workloads(): string[];
}

/**
 * Imports an ES module by runtime URL, untouched by bundlers (webpack, Vite, esbuild keep
 * `import(variable)` as a native dynamic import with these hints).
 */
export function importAtRuntime<T>(url: string): Promise<T> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ url) as Promise<T>;
}
