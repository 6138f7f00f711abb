// Types for prerequisites.mjs, which the TypeScript end-to-end tests import.
export declare const APT_PACKAGES: readonly string[];
export declare class MissingPrerequisiteError extends Error {}
export declare function isCI(): boolean;
export declare function which(name: string): string | undefined;
export declare function chromiumPath(): string;
export declare function assertNativeBuildTools(): void;
export declare function skipReasonOrThrow(error: unknown): string;
