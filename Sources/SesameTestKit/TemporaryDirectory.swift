import Foundation

/// A folder under the system's temporary folder, deleted by `remove()`.
package struct TemporaryDirectory: Sendable {
    package let path: String

    package init() throws {
        let path = NSTemporaryDirectory() + "sesame-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        self.path = path
    }

    package func file(_ name: String) -> String { path + "/" + name }

    package func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
