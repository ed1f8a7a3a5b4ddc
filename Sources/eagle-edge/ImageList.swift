import Foundation

/// Expands folders into their JPEG/PNG files (name order); files are taken as given.
enum ImageList {
    static func expand(_ arguments: [String]) -> [String] {
        var out: [String] = []
        for argument in arguments {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
                out += names.filter { ["png", "jpg", "jpeg"].contains(($0 as NSString).pathExtension.lowercased()) }
                    .sorted().map { (argument as NSString).appendingPathComponent($0) }
            } else {
                out.append(argument)
            }
        }
        return out
    }
}
