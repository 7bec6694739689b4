// Placeholder: filled in by the nn-layer work.
export {};
