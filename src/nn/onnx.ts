import type { Tensor } from '../tensor/tensor.js';

/**
 * What a module needs to emit its ONNX nodes beside its `forward` (export/onnxGraph.ts's
 * GraphBuilder implements it). Values are named by strings; every op returns its output's name.
 * Kept as an interface so nn/ and models/ stay free of the protobuf code.
 */
export interface OnnxEmitter {
  op(opType: string, inputs: string[], attributes?: Record<string, number | number[] | string>, outputs?: number): string;
  /** A float32 initializer. */
  floats(name: string, values: ArrayLike<number>, dims: number[]): string;
  /** An int64 initializer (shapes, axes, slice bounds). */
  ints(values: number[], name?: string): string;
  /** A float32 scalar initializer. */
  scalar(value: number): string;
}

/** A parameter as a float32 initializer named after its state_dict key. */
export function onnxInitializer(g: OnnxEmitter, name: string, t: Tensor): string {
  return g.floats(name, t.toFloat32Array(), t.shape);
}
