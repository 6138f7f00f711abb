// Types for l10nExtract.mjs, which test/unit/l10n.test.ts imports.
import type ts from 'typescript';
export declare const BUNDLE_PATH: string;
export declare function hostSourceFiles(): string[];
export declare function parseSource(path: string): ts.SourceFile;
export declare function webviewSourceFiles(): string[];
export declare function isWebviewFile(path: string): boolean;
export declare function isL10nCall(node: ts.Node, bareT?: boolean): node is ts.CallExpression;
export declare function collectMessages(files?: string[]): { messages: string[]; problems: string[] };
export declare function bundleText(messages: readonly string[]): string;
