// Check metadata carried by every op: how to generate its inputs and attributes, the value domain
// of each input, and which checks apply. The gradient-check and parity suites read only this.
import fc from 'fast-check';

/** Where input values are drawn from. `avoid` keeps values `margin` away from kinks/poles. */
export interface Domain {
  readonly low: number;
  readonly high: number;
  readonly avoid?: readonly number[];
  readonly margin?: number;
  /** Values pairwise apart (for max/min/sort-like ops whose gradient is undefined at ties). */
  readonly distinct?: boolean;
}

export const REAL: Domain = { low: -2, high: 2 };
export const POSITIVE: Domain = { low: 0.25, high: 3 };
export const NONZERO: Domain = { low: -2, high: 2, avoid: [0], margin: 0.25 };
/** Open unit interval, kept away from its ends. */
export const UNIT: Domain = { low: -0.9, high: 0.9 };
export const DISTINCT: Domain = { low: -2, high: 2, distinct: true };

export type InputKind = 'float' | 'int32' | 'bool';

export interface InputSpec {
  readonly kind: InputKind;
  /** For float inputs. For int32/bool inputs without a custom `values`, integers in [low, high]. */
  readonly domain?: Domain;
  /** Float input that gradients are not checked for (e.g. a mask-like operand). */
  readonly noGrad?: boolean;
}

export const F: InputSpec = { kind: 'float', domain: REAL };
export const fIn = (domain: Domain): InputSpec => ({ kind: 'float', domain });

/** One generated case: the input shapes and the op attributes. */
export interface CheckCase<A> {
  readonly shapes: readonly (readonly number[])[];
  readonly attrs: A;
}

/** Source of deterministic values for custom generators (uniform in [0,1), integers). */
export interface ValueSource {
  uniform(): number;
  int(lowInclusive: number, highExclusive: number): number;
}

export type Tolerance = 'strict' | 'balanced' | 'permissive';

export interface CheckSpec<A> {
  readonly cases: fc.Arbitrary<CheckCase<A>>;
  /** One spec per input (the last one repeats for variadic ops). */
  readonly inputs: readonly InputSpec[];
  /** Custom values for inputs whose valid values depend on the case (indices in range). */
  // NOTE: method syntax (bivariant in A) so a CheckSpec<SomeAttrs> is usable as CheckSpec<unknown>.
  values?(c: CheckCase<A>, src: ValueSource): readonly (readonly number[] | null)[];
  /** grad(grad(f)) is checked against finite differences of the analytic gradient. */
  readonly secondOrder: boolean;
  readonly tolerance?: Tolerance;
}
