import { avgPool2d } from '../tensor/functional.js';
import { scope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { ModuleList } from '../nn/moduleList.js';
import { chain } from '../nn/chain.js';
import { Conv2d, type LayerOptions } from '../nn/layers.js';
import type { OnnxEmitter } from '../nn/onnx.js';

/** n × (conv3×3, pad 1 + ReLU): Kohl's block. Children '0'..'n-1' (state_dict `…{i}.{j}.weight`). */
export class ConvBlock extends ModuleList<Conv2d> {
  constructor(inChannels: number, outChannels: number, convs: number, opts: LayerOptions = {}) {
    super(Array.from({ length: convs }, (_, j) => new Conv2d(j === 0 ? inChannels : outChannels, outChannels, 3, opts)));
  }
  /** [B, Cin, H, W] → [B, Cout, H, W]; each conv's input is freed once the next has used it (chain). */
  forward(x: Tensor): Tensor {
    return chain(
      x,
      this.items.map((conv) => (y: Tensor) => conv.forward(y).relu()),
    );
  }
  onnx(g: OnnxEmitter, x: string, prefix: string): string {
    return this.items.reduce((y, conv) => g.op('Relu', [conv.onnx(g, y, this.prefixOf(conv, prefix))]), x);
  }
}

/** The encoder path shared by the U-Net, prior and posterior: block 0 at full resolution, then 2×2 avg-pool before each block. */
export class DownPath extends ModuleList<ConvBlock> {
  constructor(inChannels: number, filters: readonly number[], convs: number, opts: LayerOptions = {}) {
    super(filters.map((f, i) => new ConvBlock(i === 0 ? inChannels : (filters[i - 1] as number), f, convs, opts)));
  }
  /** [B, Cin, H, W] → per level [B, filters[i], H/2^i, W/2^i] (every level is a skip, so all are kept) */
  forward(x: Tensor): Tensor[] {
    const skips: Tensor[] = [];
    this.items.forEach((block, i) => {
      const y = skips[i - 1] ?? x;
      skips.push(i === 0 ? block.forward(y) : scope(() => block.forward(avgPool2d(y, 2))));
    });
    return skips;
  }
  onnx(g: OnnxEmitter, x: string, prefix: string): string[] {
    const skips: string[] = [];
    this.items.forEach((block, i) => {
      const y = i === 0 ? x : g.op('AveragePool', [skips[i - 1] as string], { kernel_shape: [2, 2], strides: [2, 2] });
      skips.push(block.onnx(g, y, this.prefixOf(block, prefix)));
    });
    return skips;
  }
}
