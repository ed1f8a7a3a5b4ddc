/// Trapezoid area under a curve fed point by point with non-decreasing x, cut at `limit`: the
/// segment that crosses it is interpolated linearly at `limit`, as MVTec AD's `trapezoid(x, y,
/// x_max)` does, so the area does not jump with whichever point happens to lie near the limit.
struct TruncatedTrapezoid {
    let limit: Double
    private(set) var area = 0.0
    private(set) var isComplete = false
    private var lastX = 0.0
    private var lastY = 0.0

    /// Starts at the curve's first point.
    init(limit: Double, startX: Double = 0, startY: Double = 0) {
        self.limit = limit
        self.lastX = startX
        self.lastY = startY
    }

    /// Adds the segment from the previous point; returns false once the limit is passed and
    /// further points no longer matter.
    mutating func add(x: Double, y: Double) -> Bool {
        guard !isComplete else { return false }
        if x <= limit {
            area += (x - lastX) * (y + lastY) / 2
            lastX = x
            lastY = y
            return true
        }
        // x > limit >= lastX, so the division is safe.
        let yAtLimit = lastY + (y - lastY) * (limit - lastX) / (x - lastX)
        area += (limit - lastX) * (yAtLimit + lastY) / 2
        isComplete = true
        return false
    }
}
