import Foundation

/// Where the proxy puts its files beside the capture folder (`.tern/capture` → `.tern/proxy.token`,
/// `.tern/capture-target`), so commands that do not take them as flags find them.
enum WorkspaceFolders {
    static func beside(_ folder: String, named name: String) -> String {
        let trimmed = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        let parent = (trimmed as NSString).deletingLastPathComponent
        return parent.isEmpty ? name : (parent as NSString).appendingPathComponent(name)
    }
}
