import AsyncHTTPClient
import Foundation
import HermesCore
import NIOCore
import NIOHTTP1

/// A server speaking the OpenAI-compatible API (the in-process gateway, or any URL):
/// `POST /v1/chat/completions` with the session in `X-Hermes-Session-Id`.
final class HTTPTarget: BenchTarget {
    private let endpoint: String
    private let apiKey: String?
    private let client: HTTPClient
    private let timeout: TimeAmount

    init(baseURL: String, apiKey: String?, client: HTTPClient, timeout: Duration = .seconds(120)) {
        endpoint = baseURL + "/v1/chat/completions"
        self.apiKey = apiKey
        self.client = client
        self.timeout = .nanoseconds(timeout.nanoseconds)
    }

    func send(_ request: BenchRequest) async -> TurnOutcome {
        var http = HTTPClientRequest(url: endpoint)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        http.headers.add(name: "X-Hermes-Session-Id", value: request.session)
        if let apiKey { http.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        http.body = .bytes(
            ByteBuffer(
                string: #"{"model":"hermes-agent","stream":\#(request.stream),"messages":[{"role":"user","content":\#(jsonQuoted(request.text))}]}"#))
        let started = ContinuousClock.now
        do {
            let response = try await client.execute(http, timeout: timeout)
            guard response.status == .ok else {
                _ = try? await response.body.collect(upTo: 1 << 20)
                return response.status == .tooManyRequests ? .rejected : .failed(kind: "http_\(response.status.code)")
            }
            guard request.stream else {
                _ = try await response.body.collect(upTo: 16 << 20)
                let timing = Self.serverTiming(response.headers["Server-Timing"].first ?? "")
                return .completed(TurnTimings(model: timing["model"], tools: timing["tools"]))
            }
            var firstToken: Duration?
            // The last two chunks: the finish chunk and [DONE] may be split between them.
            var previous = ""
            var last = ""
            for try await chunk in response.body {
                previous = last
                last = String(buffer: chunk)
                if firstToken == nil, (previous + last).contains(#""delta":{"content""#) {
                    firstToken = ContinuousClock.now - started
                }
            }
            let tail = previous + last
            guard tail.contains("[DONE]") else { return .failed(kind: "stream_cut") }
            if tail.contains(#""finish_reason":"error""#) { return .failed(kind: "agent_error") }
            let timing = Self.streamTiming(tail)
            return .completed(TurnTimings(timeToFirstToken: firstToken, model: timing["model"], tools: timing["tools"]))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return .failed(kind: "timeout")
        } catch is CancellationError {
            return .failed(kind: "cancelled")
        } catch {
            return .failed(kind: "connection")
        }
    }

    /// `Server-Timing: turn;dur=48.0, model;dur=41.2, tools;dur=3.1` (milliseconds) as durations.
    static func serverTiming(_ header: String) -> [String: Duration] {
        var timings: [String: Duration] = [:]
        for entry in header.split(separator: ",") {
            let parts = entry.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = parts.first,
                let value = parts.dropFirst().first(where: { $0.hasPrefix("dur=") }).flatMap({ Double($0.dropFirst(4)) })
            else { continue }
            timings[name] = .nanoseconds(Int64(value * 1e6))
        }
        return timings
    }

    /// The `"hermes":{"timing":{…}}` of a streamed reply's last chunk (seconds) as durations.
    static func streamTiming(_ text: String) -> [String: Duration] {
        guard let start = text.range(of: #""timing":"#)?.upperBound,
            let end = text[start...].firstIndex(of: "}"),
            let object = try? JSONValue(parsing: String(text[start...end])).objectValue
        else { return [:] }
        return object.compactMapValues { value in
            switch value {
            case .double(let seconds): .nanoseconds(Int64(seconds * 1e9))
            case .int(let seconds): .seconds(seconds)
            default: nil
            }
        }
    }
}
