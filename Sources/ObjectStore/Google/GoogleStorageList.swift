import Foundation

/// One page of a Cloud Storage JSON API `objects.list` answer (`GET /storage/v1/b/BUCKET/o`): the objects, the folders a
/// `delimiter` folded them into, and the token for the next page.
///
/// Only `items[].name`, `items[].size`, `prefixes` and `nextPageToken` are read; the other members are ignored.
package struct GoogleStorageList: Sendable, Equatable {
    /// An object and its length in bytes.
    package struct Object: Sendable, Equatable {
        package let name: String
        package let size: Int

        package init(name: String, size: Int) {
            self.name = name
            self.size = size
        }
    }

    /// Objects in the order the service lists them (by name).
    package let objects: [Object]
    /// The folder names, each ending with the delimiter (`indices/`).
    package let prefixes: [String]
    /// The value for the next request's `pageToken`; `nil` on the last page.
    package let nextPageToken: String?

    package init(objects: [Object], prefixes: [String], nextPageToken: String?) {
        self.objects = objects
        self.prefixes = prefixes
        self.nextPageToken = nextPageToken
    }

    /// `items` and `prefixes` are left out of the answer when empty, as Google and fake-gcs-server both do. `size` is a
    /// decimal string (a 64-bit value JSON numbers cannot hold exactly); a plain number is accepted too.
    ///
    /// - Throws: `ObjectStoreError.badResponse` when the body is not such an object, or an item lacks a name or a size.
    package init(json: Data) throws(ObjectStoreError) {
        guard let object = try? JSONSerialization.jsonObject(with: json), let fields = object as? [String: Any] else {
            throw .badResponse("The Google Cloud Storage objects.list answer is not a JSON object.")
        }
        if let error = fields["error"] as? [String: Any] {
            var message = error["message"] as? String ?? "no message"
            while message.hasSuffix(".") { message.removeLast() }
            throw .badResponse("Google Cloud Storage answered objects.list with an error: \(message).")
        }
        var objects: [Object] = []
        if let items = fields["items"] {
            guard let items = items as? [[String: Any]] else {
                throw .badResponse("The Google Cloud Storage objects.list answer's \"items\" is not a list of objects.")
            }
            for (index, item) in items.enumerated() {
                guard let name = item["name"] as? String else {
                    throw .badResponse("Item \(index) of the Google Cloud Storage objects.list answer has no name.")
                }
                let size: Int? =
                    switch item["size"] {
                    case let text as String: Int(text)
                    case let number as Int: number
                    default: nil
                    }
                guard let size, size >= 0 else {
                    throw .badResponse("Object \(name) in the Google Cloud Storage objects.list answer has no valid size.")
                }
                objects.append(Object(name: name, size: size))
            }
        }
        var prefixes: [String] = []
        if let value = fields["prefixes"] {
            guard let list = value as? [String] else {
                throw .badResponse("The Google Cloud Storage objects.list answer's \"prefixes\" is not a list of strings.")
            }
            prefixes = list
        }
        let token = fields["nextPageToken"] as? String
        self.init(objects: objects, prefixes: prefixes, nextPageToken: token?.isEmpty == true ? nil : token)
    }
}
