import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A small element tree of an AWS XML answer (STS, S3), so that answers are read by path without a delegate per answer.
///
/// Namespaces are dropped (`AssumeRoleResponse`, not `{https://sts…}AssumeRoleResponse`); text is the element's own
/// character data, entities decoded; external entities are never resolved.
struct AWSXMLElement: Sendable, Equatable {
    var name: String
    var text: String = ""
    var children: [AWSXMLElement] = []

    /// The document's root element, or nil when the bytes are not well-formed XML.
    static func parse(_ data: Data) -> AWSXMLElement? {
        let builder = TreeBuilder()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else { return nil }
        return root
    }

    /// The first child of that name.
    func child(_ name: String) -> AWSXMLElement? {
        children.first { $0.name == name }
    }

    /// Every child of that name, in document order.
    func children(_ name: String) -> [AWSXMLElement] {
        children.filter { $0.name == name }
    }

    /// The element at the end of a path of child names (`["AssumeRoleResult", "Credentials"]`).
    func descendant(_ path: [String]) -> AWSXMLElement? {
        var element = self
        for name in path {
            guard let next = element.child(name) else { return nil }
            element = next
        }
        return element
    }

    /// The first element of that name at any depth, this one included (error codes sit at different depths).
    func first(named name: String) -> AWSXMLElement? {
        if self.name == name { return self }
        for child in children {
            if let found = child.first(named: name) { return found }
        }
        return nil
    }

    /// The trimmed text of a child, or nil when there is no such child.
    func value(_ name: String) -> String? {
        child(name).map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}

/// Builds the tree from XMLParser's events.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [AWSXMLElement] = []
    var root: AWSXMLElement?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
        stack.append(AWSXMLElement(name: local))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA block: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: block, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard let element = stack.popLast() else { return }
        if stack.isEmpty {
            root = element
        } else {
            stack[stack.count - 1].children.append(element)
        }
    }
}
