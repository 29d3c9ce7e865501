/**
 * Rewrites the declaration files under `typesDir` so that names imported from a package `shared`
 * refuses (one bundled into dist-lib) come from an opaque local file; returns the bare imports of
 * such packages that remain (empty when it worked).
 */
export function detachBundledTypes(typesDir: string, shared: (name: string) => boolean): string[];
