import Capture
import CEagleShims
import CV4L2

extension V4L2Device {
    /// Selects the device's first DV timings (vivid: 640x480p59.94) on an HDMI input or
    /// output; returns the frame size they define. Loopback needs equal timings on both ends.
    public func selectFirstDVTimings() throws -> (width: Int, height: Int) {
        var enumeration = v4l2_enum_dv_timings()
        enumeration.index = 0
        try ioctl(EAGLE_VIDIOC_ENUM_DV_TIMINGS, "VIDIOC_ENUM_DV_TIMINGS", &enumeration)
        var timings = enumeration.timings
        try ioctl(EAGLE_VIDIOC_S_DV_TIMINGS, "VIDIOC_S_DV_TIMINGS", &timings)
        return (Int(timings.bt.width), Int(timings.bt.height))
    }

    /// Selects input `index` of a capture node.
    public func selectInput(_ index: Int32) throws {
        var input = index
        try ioctl(EAGLE_VIDIOC_S_INPUT, "VIDIOC_S_INPUT", &input)
    }
}
