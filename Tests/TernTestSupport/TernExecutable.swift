import Foundation

/// The `tern` executable the tests run: the one built next to the test bundle (`swift build --build-tests` builds it too).
public enum TernExecutable {
    public static var path: String {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [products, products.deletingLastPathComponent()] {
            let binary = candidate.appendingPathComponent("tern").path
            if FileManager.default.isExecutableFile(atPath: binary) { return binary }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/tern").path
    }
}
