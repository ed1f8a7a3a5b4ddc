extension Image {
    /// Grey level the flattened image is centred on.
    public static var flattenedMidGrey: Float { 128 }
    /// How much the flattened detail is amplified: the difference to the background is small
    /// once the background is gone, and doubling it uses more of the 8 bits the backbone sees.
    public static var flattenedGain: Float { 2 }

    /// The image with its slowly varying background removed, channel by channel: each value
    /// becomes `clamp(round((v - g) * flattenedGain + flattenedMidGrey))`, g being the value
    /// Gaussian-blurred with `sigma` (``FloatPlane/gaussianBlurred(sigma:loop:)``, borders
    /// mirrored). What is left is the detail finer than about `sigma` pixels: a crack or a
    /// scratch stays, uneven lighting and a part's shading go. This is the shading correction
    /// of machine-vision practice, for parts whose brightness drifts from part to part.
    ///
    /// A grey image stored as RGB (three equal channels) is flattened once and copied to all
    /// three, with the same result as three passes.
    public func flattened(sigma: Float, loop: ConcurrentLoop? = nil) -> Image {
        guard sigma > 0, width > 0, height > 0 else { return self }
        let channels = Layout.channels, plane = width * height
        let grey = channels > 1 && stride(from: 0, to: pixels.count, by: channels).allSatisfy { i in
            (1..<channels).allSatisfy { pixels[i + $0] == pixels[i] }
        }
        var out = pixels
        for channel in 0..<(grey ? 1 : channels) {
            var values = [Float](repeating: 0, count: plane)
            for i in 0..<plane { values[i] = Float(pixels[i * channels + channel]) }
            let source = FloatPlane(uncheckedWidth: width, height: height, values: values)
            let background = source.gaussianBlurred(sigma: sigma, loop: loop)
            for i in 0..<plane {
                let v = ((values[i] - background.values[i]) * Self.flattenedGain + Self.flattenedMidGrey).rounded()
                let byte = UInt8(min(max(v, 0), 255))
                if grey {
                    for c in 0..<channels { out[i * channels + c] = byte }
                } else {
                    out[i * channels + channel] = byte
                }
            }
        }
        return Image(uncheckedWidth: width, height: height, pixels: out)
    }
}
