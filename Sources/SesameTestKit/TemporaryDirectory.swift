import Foundation

/// A folder under the system's temporary folder, deleted by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init() throws {
        let path = NSTemporaryDirectory() + "sesame-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        self.path = path
    }

    public func file(_ name: String) -> String { path + "/" + name }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
