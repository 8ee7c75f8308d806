import Foundation
import HermesCore
import NIOCore
import NIOHTTP1

/// A server speaking the OpenAI-compatible API (the in-process gateway, or any URL):
/// `POST /v1/chat/completions` with the session in `X-Hermes-Session-Id`.
final class HTTPTarget: BenchTarget {
    private let client: LoadClient
    /// The head every request shares; each adds its session.
    private let head: HTTPRequestHead

    init(client: LoadClient, apiKey: String?) {
        self.client = client
        head = client.head(
            .POST, "/v1/chat/completions",
            headers: [("Content-Type", "application/json")] + (apiKey.map { [("Authorization", "Bearer \($0)")] } ?? []))
    }

    func send(_ request: BenchRequest) async -> TurnOutcome {
        let body =
            #"{"model":"hermes-agent","stream":\#(request.stream),"messages":[{"role":"user","content":\#(jsonQuoted(request.text))}]}"#
        var head = head
        head.headers.add(name: "X-Hermes-Session-Id", value: request.session)
        let started = ContinuousClock.now
        let response: LoadResponse
        do {
            response = try await client.execute(head, body: ByteBuffer(string: body), stream: request.stream)
        } catch {
            return .failed(kind: error == .timeout ? "timeout" : "connection")
        }
        guard response.status == 200 else { return response.status == 429 ? .rejected : .failed(kind: "http_\(response.status)") }
        guard request.stream else { return .completed(Self.serverTiming(response.serverTiming ?? "").turnTimings) }
        guard response.tail.contains("[DONE]") else { return .failed(kind: "stream_cut") }
        if response.tail.contains(#""finish_reason":"error""#) { return .failed(kind: "agent_error") }
        var timings = Self.streamTiming(response.tail).turnTimings
        timings.timeToFirstToken = response.firstContent.map { $0 - started }
        return .completed(timings)
    }

    /// What a gateway said of a turn's time: durations by name (`turn`, `model`, `tools`,
    /// `compression`) and, when the turn compressed its history, how.
    struct Timings {
        var durations: [String: Duration] = [:]
        var compressionOutcome: String?

        var turnTimings: TurnTimings {
            TurnTimings(
                model: durations["model"], tools: durations["tools"], compression: durations["compression"],
                compressionOutcome: compressionOutcome)
        }
    }

    /// `Server-Timing: turn;dur=48.0, model;dur=41.2, tools;dur=3.1, compression;desc=cached;dur=0.2`
    /// (milliseconds).
    static func serverTiming(_ header: String) -> Timings {
        var timings = Timings()
        for entry in header.split(separator: ",") {
            let parts = entry.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = parts.first,
                let value = parts.dropFirst().first(where: { $0.hasPrefix("dur=") }).flatMap({ Double($0.dropFirst(4)) })
            else { continue }
            timings.durations[name] = .nanoseconds(Int64(value * 1e6))
            if name == "compression", let description = parts.dropFirst().first(where: { $0.hasPrefix("desc=") }) {
                timings.compressionOutcome = String(description.dropFirst(5)).trimmingCharacters(in: ["\""])
            }
        }
        return timings
    }

    /// The `"hermes":{"timing":{…}}` of a streamed reply's last chunk (seconds).
    static func streamTiming(_ text: String) -> Timings {
        guard let start = text.range(of: #""timing":"#)?.upperBound,
            let end = text[start...].firstIndex(of: "}"),
            let object = try? JSONValue(parsing: String(text[start...end])).objectValue
        else { return Timings() }
        var timings = Timings()
        timings.durations = object.compactMapValues { value in
            switch value {
            case .double(let seconds): .nanoseconds(Int64(seconds * 1e9))
            case .int(let seconds): .seconds(seconds)
            default: nil
            }
        }
        timings.compressionOutcome = object["compression_outcome"]?.stringValue
        return timings
    }
}
