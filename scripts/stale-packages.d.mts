export declare const repoRoot: string;
export declare function stalePackages(root?: string): string[];
