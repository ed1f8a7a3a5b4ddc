import Imaging
import Kernels

/// The network's input tensor from an RGB image: channels first, each value (v - 127) / 128,
/// the normalisation EfficientNet-Lite was trained with.
public enum BackboneInput {
    public static func tensor(from image: RGBImage) -> Tensor3 {
        let plane = image.width * image.height
        var values = [Float](repeating: 0, count: 3 * plane)
        image.pixels.withUnsafeBufferPointer { px in
            for i in 0..<plane {
                values[i] = (Float(px[3 * i]) - 127) / 128
                values[plane + i] = (Float(px[3 * i + 1]) - 127) / 128
                values[2 * plane + i] = (Float(px[3 * i + 2]) - 127) / 128
            }
        }
        // The count matches by construction.
        return (try? Tensor3(channels: 3, height: image.height, width: image.width, values: values))
            ?? Tensor3(channels: 3, height: image.height, width: image.width)
    }
}
