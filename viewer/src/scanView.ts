// The scan on screen: NiiVue (WebGL2) shows the volume's axial slices in radiological
// convention from the scan's affine, with window/level, zoom, pan and the pasted-back maps
// as overlays. This file is the only one that knows NiiVue; the app speaks voxels (x, y, k).
import { DRAG_MODE, Niivue, SLICE_TYPE, type NVImage } from '@niivue/niivue';
import { flipXY, voxelToWorld, worldToVoxel, type Affine, type ScanVolume } from '../../src/scan/index.js';
import { displayNifti } from './displayNifti.js';

export interface Window {
  /** centre (level) and width, in the volume's units (HU for CT) */
  level: number;
  width: number;
}

/** A map on one slice of the volume's grid, drawn through a colour map over [min, max] (below min: transparent). */
export interface Overlay {
  map: Float32Array | Uint8Array;
  k: number;
  colormap: string;
  min: number;
  max: number;
}

export interface ScanViewEvents {
  /** A left click without a drag, at a voxel of the volume. */
  onClick(x: number, y: number, k: number): void;
  /** The slice shown changed (wheel, keys, slider). */
  onSlice(k: number): void;
  /** Window/level changed by a mouse drag. */
  onWindow(w: Window): void;
}

export class ScanView {
  private readonly nv: Niivue;
  private volume: ScanVolume | null = null;
  private affineRas: Affine = [];
  private overlay: NVImage | null = null;
  private overlaySlice = -1;
  private opacity = 0.6;

  private constructor(
    nv: Niivue,
    private readonly canvas: HTMLCanvasElement,
    private readonly events: ScanViewEvents,
  ) {
    this.nv = nv;
  }

  static async create(canvas: HTMLCanvasElement, events: ScanViewEvents): Promise<ScanView> {
    const nv = new Niivue({
      backColor: [0, 0, 0, 1],
      isRadiologicalConvention: true, // patient's right on the screen's left, as CT is read
      show3Dcrosshair: false,
      crosshairWidth: 0,
      isColorbar: false,
      dragAndDropEnabled: false, // the page handles drops (DICOM folders go through the scan core)
      isNearestInterpolation: true, // voxels and masks as they are
      isForceMouseClickToVoxelCenters: true,
      logLevel: 'warn',
    });
    await nv.attachToCanvas(canvas);
    nv.setSliceType(SLICE_TYPE.AXIAL);
    // Left: click (segment) / shift-drag pan; right-drag: window/level; middle-drag: pan and zoom.
    nv.setMouseEventConfig({
      leftButton: { primary: DRAG_MODE.crosshair, withShift: DRAG_MODE.pan, withCtrl: DRAG_MODE.windowing },
      rightButton: DRAG_MODE.windowing,
      centerButton: DRAG_MODE.pan,
    });
    const view = new ScanView(nv, canvas, events);
    view.wire();
    return view;
  }

  /** Shows a volume (replacing any other), at slice k with the window w; a picture has no patient orientation to label. */
  async show(volume: ScanVolume, k: number, w: Window, o: { orientationLabels?: boolean } = {}): Promise<void> {
    this.nv.opts.isOrientationTextVisible = o.orientationLabels ?? true;
    this.volume = volume;
    this.affineRas = volume.frame === 'LPS' ? flipXY(volume.affine) : volume.affine;
    this.overlay = null;
    this.overlaySlice = -1;
    for (const v of [...this.nv.volumes].reverse()) this.nv.removeVolume(v);
    await this.nv.loadFromArrayBuffer(displayNifti(volume.voxels, volume.nx, volume.ny, volume.nz, this.affineRas), 'scan.nii');
    this.setWindow(w);
    this.resetZoom();
    this.setSlice(k);
  }

  get slice(): number {
    return this.volume ? this.voxelAtFrac(this.nv.scene.crosshairPos)[2] : 0;
  }

  /** Moves to slice k (clamped), keeping the crosshair's column and row. */
  setSlice(k: number): void {
    const v = this.volume;
    if (!v) return;
    const [x, y] = this.voxelAtFrac(this.nv.scene.crosshairPos);
    const kk = Math.max(0, Math.min(v.nz - 1, Math.round(k)));
    this.nv.scene.crosshairPos = this.nv.mm2frac(this.worldOf(x, y, kk));
    this.nv.drawScene();
    this.events.onSlice(kk);
  }

  setWindow({ level, width }: Window): void {
    const base = this.nv.volumes[0];
    if (!base) return;
    base.cal_min = level - width / 2;
    base.cal_max = level + width / 2;
    this.nv.updateGLVolume();
  }

  getWindow(): Window {
    const base = this.nv.volumes[0];
    if (!base) return { level: 0, width: 1 };
    const lo = base.cal_min ?? 0;
    const hi = base.cal_max ?? 1;
    return { level: (lo + hi) / 2, width: hi - lo };
  }

  /** factor > 1 zooms in, around the view centre; 0 resets. */
  zoom(factor: number): void {
    const p = this.nv.scene.pan2Dxyzmm;
    this.nv.setPan2Dxyzmm([p[0], p[1], p[2], factor === 0 ? 1 : Math.max(0.5, Math.min(16, p[3] * factor))]);
  }

  resetZoom(): void {
    this.nv.setPan2Dxyzmm([0, 0, 0, 1]);
  }

  /** Shows `o` (a map on slice o.k) as the overlay, or removes it. */
  async setOverlay(o: Overlay | null): Promise<void> {
    const v = this.volume;
    if (!o || !v) {
      if (this.overlay) this.nv.removeVolume(this.overlay);
      this.overlay = null;
      this.overlaySlice = -1;
      return;
    }
    const data = o.map instanceof Uint8Array ? Float32Array.from(o.map) : o.map;
    if (!this.overlay || this.overlaySlice !== o.k) {
      if (this.overlay) this.nv.removeVolume(this.overlay);
      // One slice on the volume's grid: NiiVue places it by its affine, so it lands on slice k only.
      const a = this.affineRas;
      const sliceAffine = a.map((x, n) => (n % 4 === 3 && n < 12 ? x + (a[n - 1] as number) * o.k : x));
      await this.nv.loadFromArrayBuffer(displayNifti(data, v.nx, v.ny, 1, sliceAffine, { float: true }), 'overlay.nii');
      this.overlay = this.nv.volumes[this.nv.volumes.length - 1] as NVImage;
      this.overlaySlice = o.k;
    }
    // Same slice: the new map goes into the loaded overlay (NiiVue keeps voxels in file order).
    const img = this.overlay;
    (img.img as Float32Array).set(data);
    img.colormap = o.colormap;
    img.cal_min = o.min;
    img.cal_max = o.max;
    img.opacity = this.opacity;
    this.nv.updateGLVolume();
  }

  setOpacity(opacity: number): void {
    this.opacity = opacity;
    if (this.overlay) this.nv.setOpacity(this.nv.volumes.indexOf(this.overlay), opacity);
  }

  /** Where voxel (x, y, k) is drawn, in CSS pixels of the page (tests, scripted clicks). */
  clientOf(x: number, y: number, k: number): { x: number; y: number } | null {
    const pos = this.nv.frac2canvasPos(this.nv.mm2frac(this.worldOf(x, y, k)));
    if (!pos) return null;
    const r = this.canvas.getBoundingClientRect();
    const dpr = this.nv.uiData.dpr ?? 1;
    return { x: r.left + (pos[0] as number) / dpr, y: r.top + (pos[1] as number) / dpr };
  }

  private worldOf(x: number, y: number, k: number): [number, number, number] {
    return voxelToWorld(this.affineRas, [x, y, k]);
  }

  /** Voxel indices of a NiiVue texture fraction, through the scan's own affine (not NiiVue's reoriented grid). */
  private voxelAtFrac(frac: ArrayLike<number>): [number, number, number] {
    const mm = this.nv.frac2mm([frac[0] as number, frac[1] as number, frac[2] as number]);
    const v = this.volume as ScanVolume;
    const [i, j, k] = worldToVoxel(this.affineRas, [mm[0] as number, mm[1] as number, mm[2] as number]);
    const clamp = (c: number, n: number): number => Math.max(0, Math.min(n - 1, Math.round(c)));
    return [clamp(i, v.nx), clamp(j, v.ny), clamp(k, v.nz)];
  }

  private wire(): void {
    const nv = this.nv;
    let down: { x: number; y: number } | null = null;
    this.canvas.addEventListener('pointerdown', (e) => {
      down = e.button === 0 && !e.shiftKey && !e.ctrlKey ? { x: e.clientX, y: e.clientY } : null;
    });
    this.canvas.addEventListener('pointerup', (e) => {
      const d = down;
      down = null;
      if (!d || !this.volume || Math.hypot(e.clientX - d.x, e.clientY - d.y) > 4) return;
      // NiiVue has moved the crosshair to the clicked voxel by now (its own pointer handler).
      setTimeout(() => {
        const [x, y, k] = this.voxelAtFrac(nv.scene.crosshairPos);
        this.events.onClick(x, y, k);
      }, 0);
    });
    // Ctrl/⌘ + wheel zooms; the plain wheel scrolls slices (NiiVue's own handler).
    this.canvas.addEventListener(
      'wheel',
      (e) => {
        if (!(e.ctrlKey || e.metaKey)) return;
        e.preventDefault();
        e.stopImmediatePropagation();
        this.zoom(e.deltaY < 0 ? 1.2 : 1 / 1.2);
      },
      { capture: true, passive: false },
    );
    nv.onLocationChange = () => {
      if (this.volume) this.events.onSlice(this.slice);
    };
    // NiiVue's windowing drag changes cal_min/max without an event (its reset does fire one).
    let last = '';
    const windowMoved = (): void => {
      const w = this.getWindow();
      const key = `${w.level}/${w.width}`;
      if (key !== last) this.events.onWindow(w);
      last = key;
    };
    this.canvas.addEventListener('pointermove', (e) => e.buttons !== 0 && windowMoved());
    this.canvas.addEventListener('pointerup', windowMoved);
    nv.onIntensityChange = windowMoved;
  }
}
