import Foundation
import TernCore
import Testing

@testable import Capture

@Suite struct AdminRequestRewriterTests {
    static let elasticsearch6 = ClusterVersion(.elasticsearch, SemanticVersion(6, 8, 23))
    static let elasticsearch7 = ClusterVersion(.elasticsearch, SemanticVersion(7, 10, 2))
    static let opensearch = ClusterVersion(.opensearch, SemanticVersion(2, 19, 1))
    /// `books` and `films` migrated, `books` renamed; `logs` left behind.
    static let selection = IndexSelection(include: ["books", "films"], renames: [(from: "books", to: "books-v2")])

    private func rewrite(
        _ method: String, _ target: String, _ body: String = "", from source: ClusterVersion = opensearch,
        to destination: ClusterVersion = opensearch
    ) -> AdminRequestRewriter.Outcome {
        AdminRequestRewriter(selection: Self.selection, sourceVersion: source, targetVersion: destination)
            .rewrite(method: method, target: target, body: Array(body.utf8))
    }

    /// The request sent, with its body parsed (nil when the call is not sent).
    private func sent(_ outcome: AdminRequestRewriter.Outcome) -> (request: AdminRequestRewriter.Request, body: JSONValue?, index: String)?
    {
        guard case .send(let request, let index) = outcome else { return nil }
        return (request, try? JSONValue.parse(request.body), index)
    }

    private func json(_ text: String) -> JSONValue? { try? JSONValue.parse(Array(text.utf8)) }

    @Test func aliasActionsAreRenamedAndActionsOutsideTheSelectionDropped() throws {
        let body = """
            {"actions":[
              {"add":{"index":"books","alias":"current","is_write_index":true}},
              {"remove":{"index":"logs","alias":"current"}},
              {"add":{"indices":["books","logs","films"],"alias":"everything"}},
              {"remove_index":{"index":"logs"}},
              {"add":{"index":"films,logs","aliases":["cinema","books"]}}
            ]}
            """
        let result = try #require(sent(rewrite("POST", "/_aliases?master_timeout=30s", body)))
        #expect(result.request.path == "/_aliases")
        #expect(result.request.query == [.init(name: "master_timeout", value: "30s")])
        #expect(result.index == "books,films")
        #expect(
            result.body
                == json(
                    """
                    {"actions":[
                      {"add":{"index":"books-v2","alias":"current","is_write_index":true}},
                      {"add":{"indices":["books-v2","films"],"alias":"everything"}},
                      {"add":{"index":"films","aliases":["cinema","books"]}}
                    ]}
                    """))
    }

    @Test func aliasCallsAboutNoSelectedIndexAreSkippedAndUnchangedOnesKeepTheirBytes() {
        #expect(
            rewrite("POST", "/_aliases", #"{"actions":[{"add":{"index":"logs","alias":"l"}},{"remove_index":{"index":"logs"}}]}"#) == .skip)
        let untouched = #"{"actions":[ {"add": {"index":"films", "alias":"cinema"}} ]}"#
        #expect(
            rewrite("POST", "/_aliases", untouched)
                == .send(.init(method: "POST", path: "/_aliases", query: [], body: Array(untouched.utf8)), index: "films"))
        guard case .unsupported(_, let reason) = rewrite("POST", "/_aliases", "not json") else {
            Issue.record("an unreadable _aliases body must be reported")
            return
        }
        #expect(reason.hasPrefix("POST /_aliases was not replayed"))
    }

    @Test func aliasPathsRenameTheIndexAndKeepTheAlias() {
        for (method, path) in [("PUT", "/books/_alias/current"), ("POST", "/books/_aliases/current"), ("DELETE", "/books/_alias/current")] {
            let renamed = path.replacingOccurrences(of: "/books/", with: "/books-v2/")
            #expect(rewrite(method, path) == .send(.init(method: method, path: renamed, query: [], body: []), index: "books"), "\(path)")
        }
        #expect(rewrite("PUT", "/logs/_alias/current") == .skip)
        #expect(
            rewrite("PUT", "/logs,films/_alias/current")
                == .send(.init(method: "PUT", path: "/films/_alias/current", query: [], body: []), index: "films"))
    }

    @Test func indexCreationOfElasticsearch6LosesItsTypeAndRetiredParts() throws {
        let body = """
            {"settings":{"number_of_shards":2,"index.creation_date":"1700000000000"},
             "mappings":{"doc":{"_all":{"enabled":false},"properties":{"title":{"type":"string"},"code":{"type":"string","index":"not_analyzed"}}}},
             "aliases":{"current":{}}}
            """
        let result = try #require(
            sent(rewrite("PUT", "/books?include_type_name=true&wait_for_active_shards=1", body, from: Self.elasticsearch6)))
        #expect(result.request.path == "/books-v2")
        #expect(result.request.query == [.init(name: "wait_for_active_shards", value: "1")])
        #expect(
            result.body
                == json(
                    """
                    {"settings":{"index":{"number_of_shards":2}},
                     "mappings":{"properties":{"title":{"type":"text"},"code":{"type":"keyword"}}},
                     "aliases":{"current":{}}}
                    """))
    }

    @Test func elasticOnlySettingsAreDroppedForAnOpenSearchTarget() throws {
        let body = #"{"settings":{"index":{"lifecycle":{"name":"hot-warm"},"number_of_replicas":1}}}"#
        let result = try #require(sent(rewrite("PUT", "/films", body, from: Self.elasticsearch7)))
        #expect(result.body == json(#"{"settings":{"index":{"number_of_replicas":1}}}"#))
    }

    @Test func typedMappingUpdatesOfElasticsearch6BecomeTypeless() throws {
        let mapping = #"{"properties":{"year":{"type":"integer"},"note":{"type":"string"}}}"#
        let expected = json(#"{"properties":{"year":{"type":"integer"},"note":{"type":"text"}}}"#)
        for (method, path, body) in [
            ("PUT", "/books/_mapping/doc", mapping), ("POST", "/books/doc/_mapping", mapping),
            ("PUT", "/books/_mappings/doc?update_all_types=true", #"{"doc":\#(mapping)}"#),
            ("PUT", "/books/_mapping?include_type_name=true", #"{"doc":\#(mapping)}"#),
        ] {
            let result = try #require(sent(rewrite(method, path, body, from: Self.elasticsearch6)), "\(path)")
            #expect(result.request.method == method && result.request.path == "/books-v2/_mapping", "\(path)")
            #expect(result.request.query.isEmpty, "\(path)")
            #expect(result.body == expected, "\(path)")
        }
        let everywhere = try #require(sent(rewrite("PUT", "/_mapping/doc", mapping, from: Self.elasticsearch6)))
        #expect(everywhere.request.path == "/_mapping" && everywhere.body == expected)
        #expect(rewrite("PUT", "/logs/_mapping/doc", mapping, from: Self.elasticsearch6) == .skip)
    }

    @Test func bodiesTheRulesLeaveAloneKeepTheirBytes() {
        let body = #"{ "properties" : { "year": {"type":"integer"} } }"#
        #expect(
            rewrite("PUT", "/films/_mapping?timeout=5s", body)
                == .send(
                    .init(method: "PUT", path: "/films/_mapping", query: [.init(name: "timeout", value: "5s")], body: Array(body.utf8)),
                    index: "films"))
        #expect(rewrite("PUT", "/films") == .send(.init(method: "PUT", path: "/films", query: [], body: []), index: "films"))
    }

    @Test func aTargetWithMappingTypesGetsTheBodyAsSent() {
        let body = #"{"mappings":{"doc":{"properties":{"title":{"type":"text"}}}}}"#
        #expect(
            rewrite("PUT", "/books?include_type_name=true", body, from: Self.elasticsearch6, to: Self.elasticsearch6)
                == .send(
                    .init(
                        method: "PUT", path: "/books-v2", query: [.init(name: "include_type_name", value: "true")], body: Array(body.utf8)),
                    index: "books"))
    }

    @Test func aBodyTheRulesCannotAdaptIsReportedInOneSentence() {
        let conflicting = #"{"mappings":{"a":{"properties":{"f":{"type":"text"}}},"b":{"properties":{"f":{"type":"long"}}}}}"#
        guard
            case .unsupported(let index, let reason) = rewrite(
                "PUT", "/books", conflicting, from: ClusterVersion(.elasticsearch, SemanticVersion(5, 6, 16)))
        else {
            Issue.record("expected the conflict to be reported")
            return
        }
        #expect(index == "books")
        #expect(
            reason.hasPrefix("PUT /books was not replayed: the metadata rules cannot adapt its body for OpenSearch 2.19.1: "), "\(reason)")
        #expect(!reason.contains("\n"))
        guard case .unsupported(_, let unreadable) = rewrite("PUT", "/books/_mapping", "[1,2]", from: Self.elasticsearch6) else {
            Issue.record("expected a body that is not a JSON object to be reported")
            return
        }
        #expect(unreadable == "PUT /books/_mapping was not replayed: its body is not a JSON object, so the metadata rules cannot adapt it")
    }
}
