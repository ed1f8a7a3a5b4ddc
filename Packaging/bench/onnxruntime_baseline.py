#!/usr/bin/env python3
"""Same-machine ONNX Runtime baseline for EagleEdge's int8 backbone benchmark.

    onnxruntime_baseline.py [--full] [--json] [--runs N] [--warmup N] [--reduce-range auto|on|off]
                            [--x64-quant-precision]

Run it through onnxruntime-baseline.sh, which provides the pinned packages. It rebuilds
EfficientNet-Lite0 as an ONNX graph from <repo>/.cache/weights/efficientnet-lite0.safetensors
(BatchNorm folded with eps 1e-3, ReLU6 as Clip(0, 6), TensorFlow "same" padding as explicit
Conv pads, exactly as Sources/Kernels/SamePadding.swift computes them), then:

  1. checks the whole network on the two ImageNet sanity photos (top 3, docs/expert.md);
  2. builds the benchmarked sub-network, stem through block 10 (the output of block 10 after its
     residual add, 112 x 14 x 14), in fp32 and as a static int8 QDQ per-channel model calibrated
     (MinMax) on the first 32 MVTec AD bottle train/good images;
  3. times both with 1 and 2 intra-op threads on one bottle test image and reports the cosine
     between the int8 and fp32 block-10 activations over the bottle test/good images.

--full runs step 1 only. --json also prints the figures as one JSON object on stdout (the
human-readable report then goes to stderr). Generated .onnx files go to
${EAGLE_CACHE:-$HOME/.cache/eagle-edge}/ort, never into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import sys
import time
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType,
                                      quantize_static)
from onnxruntime.quantization.shape_inference import quant_pre_process
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
WEIGHTS = REPO / ".cache/weights/efficientnet-lite0.safetensors"
CLASSES = REPO / ".cache/weights/imagenet-classes.txt"
DATA = REPO.parent / "shared/data"
SANITY_IMAGES = [DATA / "imagenet-sanity/chelsea.png", DATA / "imagenet-sanity/coffee.png"]
BOTTLE = DATA / "mvtec_ad/bottle"
WORK_DIR = Path(os.environ.get("EAGLE_CACHE", Path.home() / ".cache/eagle-edge")) / "ort"

# (expand ratio, kernel, stride, in channels, out channels), one row per block (docs/expert.md).
BLOCKS = [
    (1, 3, 1, 32, 16),
    (6, 3, 2, 16, 24), (6, 3, 1, 24, 24),
    (6, 5, 2, 24, 40), (6, 5, 1, 40, 40),
    (6, 3, 2, 40, 80), (6, 3, 1, 80, 80), (6, 3, 1, 80, 80),
    (6, 5, 1, 80, 112), (6, 5, 1, 112, 112), (6, 5, 1, 112, 112),
    (6, 5, 2, 112, 192), (6, 5, 1, 192, 192), (6, 5, 1, 192, 192), (6, 5, 1, 192, 192),
    (6, 3, 1, 192, 320),
]
BN_EPSILON = 1e-3             # EfficientNetLite0Weights.batchNormEpsilon
INPUT_SIZE = 224
DEEPEST_TAP = 10              # the deepest of the default taps (blocks 3, 4, 10)
CALIBRATION_IMAGES = 32
COSINE_IMAGES = 20
OPSET = 17
IR_VERSION = 8                # opset 17's IR version; onnx 1.23 would write 14, which ORT 1.31 refuses


# --------------------------------------------------------------------------- weights

def load_safetensors(path: Path) -> dict[str, np.ndarray]:
    """All tensors of a safetensors file (F32 only, as convert_pth.py writes them)."""
    raw = path.read_bytes()
    (header_size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + header_size])
    header.pop("__metadata__", None)
    body = memoryview(raw)[8 + header_size:]
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] != "F32":
            raise ValueError(f"{path}: {name} is {entry['dtype']}, expected F32")
        start, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(body[start:end], dtype="<f4").reshape(entry["shape"])
    return tensors


def folded(tensors: dict[str, np.ndarray], conv: str, bn: str) -> tuple[np.ndarray, np.ndarray]:
    """Conv weight (OIHW) and bias with the batch norm under `bn` folded in."""
    gamma, beta = tensors[f"{bn}.weight"], tensors[f"{bn}.bias"]
    mean, var = tensors[f"{bn}.running_mean"], tensors[f"{bn}.running_var"]
    scale = gamma / np.sqrt(var + BN_EPSILON)
    weight = tensors[f"{conv}.weight"] * scale[:, None, None, None]
    return weight.astype(np.float32), (beta - mean * scale).astype(np.float32)


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int, int]:
    """(before, after, output size) of TensorFlow "same" padding, as SamePadding.swift."""
    output = (size + stride - 1) // stride
    total = max((output - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2, output


# --------------------------------------------------------------------------- graph

class GraphBuilder:
    """Collects the nodes and initializers of an NCHW graph, tracking the square spatial size."""

    def __init__(self, tensors: dict[str, np.ndarray]):
        self.tensors = tensors
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.size = INPUT_SIZE
        self.relu6_bounds = [self.constant("relu6.min", np.float32(0)), self.constant("relu6.max", np.float32(6))]

    def constant(self, name: str, value: np.ndarray) -> str:
        """Adds an initializer and returns its name."""
        self.initializers.append(numpy_helper.from_array(value, name))
        return name

    def conv(self, x: str, name: str, conv: str, bn: str, stride: int = 1, depthwise: bool = False,
             relu6: bool = True) -> str:
        """Conv (BatchNorm folded, "same" pads) optionally followed by Clip(0, 6); returns the output."""
        weight, bias = folded(self.tensors, conv, bn)
        kernel = weight.shape[2]
        before, after, output = same_padding(self.size, kernel, stride)
        self.size = output
        y = f"{name}.conv" if relu6 else name
        self.nodes.append(helper.make_node(
            "Conv", [x, self.constant(f"{name}.weight", weight), self.constant(f"{name}.bias", bias)], [y],
            name=f"{name}.conv", kernel_shape=[kernel, kernel], strides=[stride, stride],
            pads=[before, before, after, after], group=weight.shape[0] if depthwise else 1))
        if not relu6:
            return y
        self.nodes.append(helper.make_node("Clip", [y, *self.relu6_bounds], [name], name=f"{name}.relu6"))
        return name

    def block(self, x: str, index: int) -> str:
        """One MBConv block; the output is named blockN (after the residual add, if any)."""
        expand, _kernel, stride, cin, cout = BLOCKS[index]
        p, name = f"_blocks.{index}", f"block{index}"
        h = x
        if expand != 1:
            h = self.conv(h, f"{name}.expand", f"{p}._expand_conv", f"{p}._bn0")
        h = self.conv(h, f"{name}.depthwise", f"{p}._depthwise_conv", f"{p}._bn1", stride=stride, depthwise=True)
        residual = stride == 1 and cin == cout
        h = self.conv(h, f"{name}.project" if residual else name, f"{p}._project_conv", f"{p}._bn2", relu6=False)
        if residual:
            self.nodes.append(helper.make_node("Add", [h, x], [name], name=f"{name}.add"))
        return name

    def classifier(self, x: str) -> str:
        """Head conv, global average pool, fully connected layer and softmax."""
        h = self.conv(x, "head", "_conv_head", "_bn1")
        self.nodes.append(helper.make_node("GlobalAveragePool", [h], ["pooled"], name="pool"))
        self.nodes.append(helper.make_node("Flatten", ["pooled"], ["features"], name="flatten"))
        fc_w = self.constant("fc.weight", self.tensors["_fc.weight"].astype(np.float32))
        fc_b = self.constant("fc.bias", self.tensors["_fc.bias"].astype(np.float32))
        self.nodes.append(helper.make_node("Gemm", ["features", fc_w, fc_b], ["logits"], name="fc", transB=1))
        self.nodes.append(helper.make_node("Softmax", ["logits"], ["probabilities"], name="softmax", axis=1))
        return "probabilities"


def build_model(tensors: dict[str, np.ndarray], full: bool) -> onnx.ModelProto:
    """EfficientNet-Lite0 with input "input" (1x3x224x224); output block10, or probabilities if full."""
    g = GraphBuilder(tensors)
    x = g.conv("input", "stem", "_conv_stem", "_bn0", stride=2)
    for index in range(len(BLOCKS) if full else DEEPEST_TAP + 1):
        x = g.block(x, index)
    if full:
        x = g.classifier(x)
        output = helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, 1000])
    else:
        output = helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, BLOCKS[DEEPEST_TAP][4], g.size, g.size])
    graph = helper.make_graph(
        g.nodes, "efficientnet_lite0" if full else f"efficientnet_lite0_to_block{DEEPEST_TAP}",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, INPUT_SIZE, INPUT_SIZE])],
        [output], g.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="eagle-edge",
                              ir_version=IR_VERSION)
    model = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    onnx.checker.check_model(model)
    return model


# --------------------------------------------------------------------------- images

def network_input(path: Path, resample: Image.Resampling) -> np.ndarray:
    """1x3x224x224 float input: shorter side to 256 (longer truncated), centre crop 224, (x - 127) / 128.

    The crop offset is round((size - 224) / 2) with ties to even, as Imaging's centerCropRect.
    """
    image = Image.open(path).convert("RGB")
    w, h = image.size
    size = (256, 256 * h // w) if w <= h else (256 * w // h, 256)
    image = image.resize(size, resample)
    left, top = round((size[0] - INPUT_SIZE) / 2), round((size[1] - INPUT_SIZE) / 2)
    image = image.crop((left, top, left + INPUT_SIZE, top + INPUT_SIZE))
    pixels = np.asarray(image, dtype=np.float32)
    return ((pixels - 127) / 128).transpose(2, 0, 1)[None].copy()


def bottle_input(path: Path) -> np.ndarray:
    """A bottle image preprocessed as PatchCore does by default (bilinear, PatchCoreSettings.resizeFilter)."""
    return network_input(path, Image.Resampling.BILINEAR)


def pngs(folder: Path, count: int) -> list[Path]:
    """The first `count` PNG files of `folder` in name order."""
    return sorted(folder.glob("*.png"))[:count]


# --------------------------------------------------------------------------- runtime

def session(model_path: Path, threads: int, config: dict[str, str], optimized_path: Path | None = None
            ) -> ort.InferenceSession:
    """A CPU session: `threads` intra-op threads, 1 inter-op thread, all graph optimisations, `config` entries."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    for key, value in config.items():
        options.add_session_config_entry(key, value)
    if optimized_path is not None:
        options.optimized_model_filepath = str(optimized_path)
        options.log_severity_level = 3  # the saved graph is machine-specific (NCHWc): we only read its ops
    return ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])


def run(sess: ort.InferenceSession, x: np.ndarray) -> np.ndarray:
    """The session's single output for input x."""
    return sess.run(None, {"input": x})[0]


def op_counts(model_path: Path) -> dict[str, int]:
    """Node count per op type (domain-qualified when not the default domain)."""
    counts: dict[str, int] = {}
    for node in onnx.load(str(model_path)).graph.node:
        op = f"{node.domain}.{node.op_type}" if node.domain else node.op_type
        counts[op] = counts.get(op, 0) + 1
    return dict(sorted(counts.items()))


def time_model(model_path: Path, threads: int, config: dict[str, str], x: np.ndarray, warmup: int, runs: int
               ) -> dict:
    """Median, p90 and p99 latency in ms of `runs` timed runs after `warmup` untimed ones."""
    sess = session(model_path, threads, config)
    for _ in range(warmup):
        run(sess, x)
    samples = np.empty(runs)
    for i in range(runs):
        start = time.perf_counter_ns()
        run(sess, x)
        samples[i] = (time.perf_counter_ns() - start) / 1e6
    median, p90, p99 = np.percentile(samples, [50, 90, 99])
    return {"median_ms": round(float(median), 3), "p90_ms": round(float(p90), 3), "p99_ms": round(float(p99), 3),
            "runs": runs, "warmup": warmup}


def position_cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per spatial position cosine of the channel vectors of two 1xCxHxW maps (both zero: 1, one zero: 0)."""
    a = a.reshape(a.shape[1], -1).astype(np.float64)
    b = b.reshape(b.shape[1], -1).astype(np.float64)
    dot, na, nb = (a * b).sum(0), (a * a).sum(0), (b * b).sum(0)
    both = (na > 0) & (nb > 0)
    safe = np.where(both, na * nb, 1.0)
    return np.where(both, dot / np.sqrt(safe), np.where(na == nb, 1.0, 0.0))


class BottleCalibration(CalibrationDataReader):
    """Feeds the calibration images to quantize_static, one input dict at a time."""

    def __init__(self, paths: list[Path]):
        self.inputs = iter([{"input": bottle_input(p)} for p in paths])

    def get_next(self) -> dict | None:
        """The next input dict, or None after the last image."""
        return next(self.inputs, None)


# --------------------------------------------------------------------------- machine

def cpuinfo_field(key: str) -> str:
    """The value of the first `key` line of /proc/cpuinfo (empty if absent)."""
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            name, _, value = line.partition(":")
            if name.strip() == key:
                return value.strip()
    return ""


def cpu_flags() -> dict[str, bool]:
    """The x86 flags that decide MLAS's int8 and fp32 kernels."""
    flags = set(cpuinfo_field("flags").split())
    names = ["avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_int8"]
    return {name: name in flags for name in names}


def has_vnni(flags: dict[str, bool]) -> bool:
    """Whether the CPU has an 8-bit dot product instruction (AVX512-VNNI or AVX-VNNI)."""
    return flags["avx512_vnni"] or flags["avx_vnni"]


def int8_kernel_note(flags: dict[str, bool]) -> str:
    """Which MLAS u8s8 path the flags select (MLAS picks it at start-up from CPUID)."""
    if flags["amx_int8"]:
        return "AMX"
    if flags["avx512_vnni"]:
        return "AVX512-VNNI (vpdpbusd)"
    if flags["avx_vnni"]:
        return "AVX-VNNI (vpdpbusd, 256-bit)"
    if flags["avx512bw"]:
        return "AVX512BW without VNNI (vpmaddubsw + vpmaddwd, 16-bit intermediate can saturate)"
    if flags["avx2"]:
        return "AVX2 without VNNI (vpmaddubsw + vpmaddwd, 16-bit intermediate can saturate)"
    return "SSE4.1 or portable"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages as text."""
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def cpu_times() -> tuple[int, int]:
    """(idle, total) jiffies over all CPUs since boot, from /proc/stat."""
    with open("/proc/stat", encoding="utf-8") as f:
        fields = [int(v) for v in f.readline().split()[1:8]]
    return fields[3] + fields[4], sum(fields)


def idle_percent(seconds: float = 1.0) -> float:
    """Share of CPU time idle over the next `seconds`, this process sleeping: what others leave free.

    Unlike the load average, it does not lag and does not count this benchmark's own earlier runs.
    """
    idle0, total0 = cpu_times()
    time.sleep(seconds)
    idle1, total1 = cpu_times()
    return 100.0 * (idle1 - idle0) / max(total1 - total0, 1)


# --------------------------------------------------------------------------- steps

class Report:
    """Prints the human-readable lines (to stderr when JSON goes to stdout) and collects the figures."""

    def __init__(self, json_mode: bool):
        self.stream = sys.stderr if json_mode else sys.stdout
        self.figures: dict = {}

    def say(self, text: str) -> None:
        """Prints one line of the readable report."""
        print(text, file=self.stream, flush=True)


def check_classification(tensors: dict[str, np.ndarray], report: Report) -> None:
    """Whole network on the ImageNet sanity photos (bicubic preprocessing): top 3 each."""
    path = WORK_DIR / "efficientnet-lite0-full-fp32.onnx"
    onnx.save(build_model(tensors, full=True), str(path))
    classes = CLASSES.read_text(encoding="utf-8").splitlines()
    sess = session(path, threads=2, config={})
    report.say("== backbone check: whole network, fp32 (expected: chelsea tiger cat ~40 %, Egyptian cat ~35 %, "
               "tabby ~17 %; coffee espresso ~95 %)")
    results = {}
    for image in SANITY_IMAGES:
        p = run(sess, network_input(image, Image.Resampling.BICUBIC))[0]
        top = np.argsort(p)[::-1][:3]
        results[image.name] = [{"class": int(i), "name": classes[i], "p": round(float(p[i]), 4)} for i in top]
        report.say(f"{image.name}: " + "; ".join(f"{classes[i]} {100 * p[i]:.1f} %" for i in top))
    report.figures["top3"] = results


def describe_graphs(fp32_path: Path, int8_path: Path, int8_config: dict[str, str], report: Report) -> None:
    """Which tensors the taps are, and the ops of each model before and after ORT's optimisation."""
    report.say(f"sub-network: input [1,3,224,224] -> output 'block{DEEPEST_TAP}' [1,112,14,14] (after block "
               f"{DEEPEST_TAP}'s residual add, node 'block{DEEPEST_TAP}.add'); the taps block3 / block4 are "
               f"tensors 'block3' (node block3.conv, no residual) / 'block4' (node block4.add), inside the graph")
    figures = {}
    for label, path, config in [("fp32", fp32_path, {}), ("int8", int8_path, int8_config)]:
        optimized = path.with_suffix(".optimized.onnx")
        session(path, threads=1, config=config, optimized_path=optimized)
        figures[label] = {"ops": op_counts(path), "ops_after_ort_optimisation": op_counts(optimized)}
        report.say(f"{label} ops as built:         {figures[label]['ops']}")
        report.say(f"{label} ops after ORT fusion: {figures[label]['ops_after_ort_optimisation']}")
    report.figures["graphs"] = figures


def build_benchmark_models(tensors: dict[str, np.ndarray], reduce_range: bool, report: Report) -> tuple[Path, Path]:
    """The fp32 sub-network to block 10 and its static int8 QDQ per-channel quantization."""
    fp32_path = WORK_DIR / f"efficientnet-lite0-block{DEEPEST_TAP}-fp32.onnx"
    int8_path = WORK_DIR / f"efficientnet-lite0-block{DEEPEST_TAP}-int8-qdq.onnx"
    prepared_path = WORK_DIR / f"efficientnet-lite0-block{DEEPEST_TAP}-fp32-prepared.onnx"
    onnx.save(build_model(tensors, full=False), str(fp32_path))
    # ORT's recommended pre-processing; shapes are static, so ONNX shape inference is enough.
    quant_pre_process(str(fp32_path), str(prepared_path), skip_symbolic_shape=True)
    calibration = pngs(BOTTLE / "train/good", CALIBRATION_IMAGES)
    start = time.monotonic()
    quantize_static(str(prepared_path), str(int8_path), BottleCalibration(calibration),
                    quant_format=QuantFormat.QDQ, per_channel=True, reduce_range=reduce_range,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                    calibrate_method=CalibrationMethod.MinMax)
    settings = {"format": "QDQ", "per_channel": True, "activations": "QUInt8 (asymmetric)",
                "weights": "QInt8 (symmetric)", "reduce_range": reduce_range, "calibration": "MinMax",
                "calibration_images": len(calibration)}
    report.say(f"int8: QDQ, per-channel, activations QUInt8, weights QInt8, reduce_range={reduce_range}, "
               f"MinMax on {len(calibration)} images of bottle/train/good ({time.monotonic() - start:.1f} s)")
    report.figures["quantization"] = settings
    return fp32_path, int8_path


def measure_cosine(fp32_path: Path, int8_path: Path, int8_config: dict[str, str], report: Report) -> None:
    """Mean (over images) of the mean per-position cosine between int8 and fp32 block-10 outputs."""
    images = pngs(BOTTLE / "test/good", COSINE_IMAGES)
    fp32, int8 = session(fp32_path, threads=2, config={}), session(int8_path, threads=2, config=int8_config)
    per_image, worst = [], 1.0
    for image in images:
        x = bottle_input(image)
        cos = position_cosine(run(int8, x), run(fp32, x))
        per_image.append(float(cos.mean()))
        worst = min(worst, float(cos.min()))
    mean = float(np.mean(per_image))
    report.say(f"cosine int8 vs fp32, block {DEEPEST_TAP} output, {len(images)} bottle test/good images: "
               f"mean {mean:.4f} (per-image means {min(per_image):.4f} .. {max(per_image):.4f}; "
               f"worst position {worst:.4f})")
    report.figures["cosine"] = {"images": len(images), "mean": round(mean, 5),
                                "min_image_mean": round(min(per_image), 5), "worst_position": round(worst, 5)}


def measure_latency(fp32_path: Path, int8_path: Path, int8_config: dict[str, str], warmup: int, runs: int,
                    report: Report) -> None:
    """fp32 and int8 latency with 1 and 2 intra-op threads on one bottle test image."""
    image = BOTTLE / "test/good/000.png"
    x = bottle_input(image)
    report.say(f"latency, stem..block {DEEPEST_TAP}, {image.relative_to(DATA)}, {warmup} warm-up + {runs} runs "
               "(ms; before each: CPU idle over 1 s, load average)")
    timings = []
    for threads in (1, 2):
        for label, path, config in [("fp32", fp32_path, {}), ("int8", int8_path, int8_config)]:
            idle, load = idle_percent(), load_average()
            t = time_model(path, threads, config, x, warmup, runs)
            timings.append({"model": label, "threads": threads, "idle_percent_before": round(idle, 1),
                            "load_before": load, **t})
            report.say(f"  {label} {threads} thread{'s' if threads > 1 else ' '}: median {t['median_ms']:7.3f}  "
                       f"p90 {t['p90_ms']:7.3f}  p99 {t['p99_ms']:7.3f}   (idle {idle:3.0f} %, load {load})")
    report.figures["latency"] = timings


def describe_machine(reduce_range: bool, int8_config: dict[str, str], report: Report) -> None:
    """CPU, flags, library versions and the int8 kernel path they imply."""
    flags, cpu = cpu_flags(), cpuinfo_field("model name")
    report.say(f"machine: {cpu}, {os.cpu_count()} logical CPUs, load average {load_average()}")
    report.say("cpu flags: " + " ".join(f"{k}={'yes' if v else 'no'}" for k, v in flags.items()))
    report.say(f"MLAS int8 path implied: {int8_kernel_note(flags)}; fp32 path: "
               f"{'AVX512F' if flags['avx512f'] else 'AVX2/FMA3' if flags['avx2'] and flags['fma'] else 'SSE'}")
    report.say(f"onnxruntime {ort.__version__}, onnx {onnx.__version__}, numpy {np.__version__}; "
               f"reduce_range {'on' if reduce_range else 'off'} (ORT's x86 advice: on without VNNI); "
               f"int8 session config {int8_config or 'default'}")
    report.figures["machine"] = {"cpu": cpu, "logical_cpus": os.cpu_count(), "flags": flags,
                                 "int8_path": int8_kernel_note(flags), "onnxruntime": ort.__version__,
                                 "onnx": onnx.__version__, "numpy": np.__version__, "int8_session_config": int8_config}


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="only the whole-network ImageNet check")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON on stdout")
    parser.add_argument("--runs", type=int, default=200, help="timed runs per configuration (>= 200 advised)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed runs before timing")
    parser.add_argument("--reduce-range", choices=["auto", "on", "off"], default="auto",
                        help="7-bit weights; auto follows ORT's x86 advice: on without VNNI, off with it")
    parser.add_argument("--x64-quant-precision", action="store_true",
                        help="int8 sessions with session.x64quantprecision=1: on x86 without VNNI, weights "
                             "outside 7 bits run as u8u8 (no vpmaddubsw saturation); use with --reduce-range off")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    """Check, then (unless --full) build, quantize, compare and time; returns the exit status."""
    args = parse_args(argv)
    report = Report(args.json)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    tensors = load_safetensors(WEIGHTS)
    reduce_range = {"on": True, "off": False, "auto": not has_vnni(cpu_flags())}[args.reduce_range]
    int8_config = {"session.x64quantprecision": "1"} if args.x64_quant_precision else {}
    describe_machine(reduce_range, int8_config, report)
    check_classification(tensors, report)
    if not args.full:
        fp32_path, int8_path = build_benchmark_models(tensors, reduce_range, report)
        describe_graphs(fp32_path, int8_path, int8_config, report)
        measure_cosine(fp32_path, int8_path, int8_config, report)
        measure_latency(fp32_path, int8_path, int8_config, args.warmup, args.runs, report)
    report.say(f"models in {WORK_DIR}")
    if args.json:
        print(json.dumps(report.figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
