@testable import Capture

/// Builds logged exchanges from the JSON shapes Elasticsearch and OpenSearch send and answer.
enum Exchanges {
    static func plan(
        _ method: String, _ target: String, body: String = "", status: Int, response: String = "",
        headers: [CaptureHeader] = [CaptureHeader(name: "content-type", value: "application/json")]
    ) -> [ReplayAction] {
        plan(method, target, bytes: Array(body.utf8), status: status, response: response, headers: headers)
    }

    static func plan(
        _ method: String, _ target: String, bytes: [UInt8], status: Int, response: String = "", headers: [CaptureHeader] = []
    ) -> [ReplayAction] {
        let request = CaptureRecord.request(exchange: 42, timestampMillis: 0, method: method, target: target, headers: headers, body: bytes)
        let answer = CaptureRecord.response(exchange: 42, timestampMillis: 0, status: status, body: Array(response.utf8))
        return ReplayPlan(request: request, response: answer).actions
    }

    static func key(_ index: String, _ id: String, type: String? = nil, routing: String? = nil) -> ReplayAction.DocumentKey {
        ReplayAction.DocumentKey(index: index, type: type, id: id, routing: routing)
    }

    static func source(_ text: String) -> ArraySlice<UInt8> { Array(text.utf8)[...] }
}
