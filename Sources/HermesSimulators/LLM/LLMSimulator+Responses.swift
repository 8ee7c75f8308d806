import Foundation
import HTTPTypes
import HermesCore
import Hummingbird
import NIOCore

/// Thrown inside a response body writer to make Hummingbird drop the connection mid-body.
private struct SimulatedCut: Error {}

/// Drops the connection after giving the bytes already written time to leave: closing at once
/// can discard them, and then the client sees no partial event at all.
private func cutConnection() async throws -> Never {
    try await Task.sleep(for: .milliseconds(50))
    throw SimulatedCut()
}

extension LLMSimulator {
    func plainResponse(plan: ReplyPlan, id: String, start: ContinuousClock.Instant) async -> Response {
        try? await Task.sleep(until: start + plan.generationTime)
        defer { recordBusy(since: start, for: plan) }
        if case .fail(let rule) = plan.outcome {
            switch rule.kind {
            case .malformed:
                return Self.jsonResponse(#"{"choices": [ this is not json"#)
            case .truncate:
                let full = ByteBuffer(string: completionJSON(plan: plan, id: id))
                let half = full.getSlice(at: 0, length: full.readableBytes / 2) ?? ByteBuffer()
                return Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: ResponseBody(contentLength: full.readableBytes) { writer in
                        try await writer.write(half)
                        try await cutConnection()
                    })
            case .status, .badToolArguments:
                break
            }
        }
        return Self.jsonResponse(completionJSON(plan: plan, id: id))
    }

    private func completionJSON(plan: ReplyPlan, id: String) -> String {
        let content =
            plan.tokens.isEmpty || !plan.toolCalls.isEmpty && behavior.config.replyText == nil
            ? "null" : jsonQuoted(plan.text)
        var message = #"{"role":"assistant","content":\#(content)"#
        if !plan.toolCalls.isEmpty {
            let calls = plan.toolCalls.map { call in
                #"{"id":\#(jsonQuoted(call.id)),"type":"function","function":{"name":\#(jsonQuoted(call.name)),"arguments":\#(jsonQuoted(call.arguments))}}"#
            }
            message += #","tool_calls":[\#(calls.joined(separator: ","))]"#
        }
        message += "}"
        let finish = plan.toolCalls.isEmpty ? "stop" : "tool_calls"
        let completionTokens = plan.toolCalls.isEmpty ? plan.tokens.count : 0
        return
            #"{"id":"\#(id)","object":"chat.completion","created":\#(Int(Date().timeIntervalSince1970)),"model":\#(jsonQuoted(behavior.config.model)),"choices":[{"index":0,"message":\#(message),"finish_reason":"\#(finish)"}],"usage":\#(usageJSON(plan: plan, completionTokens: completionTokens))}"#
    }

    private func usageJSON(plan: ReplyPlan, completionTokens: Int) -> String {
        #"{"prompt_tokens":\#(plan.promptTokens),"completion_tokens":\#(completionTokens),"total_tokens":\#(plan.promptTokens + completionTokens)}"#
    }

    func streamingResponse(plan: ReplyPlan, id: String, start: ContinuousClock.Instant) -> Response {
        let model = jsonQuoted(behavior.config.model)
        let prefix = #"data: {"id":"\#(id)","object":"chat.completion.chunk","model":\#(model),"choices":[{"index":0,"delta":"#
        let kind: LLMSimulatorConfig.ErrorRule.Kind? =
            if case .fail(let rule) = plan.outcome { rule.kind } else { nil }
        // A reply with tool calls streams no text unless the text was scripted.
        let tokens = plan.toolCalls.isEmpty || behavior.config.replyText != nil ? plan.tokens : []
        let body = ResponseBody { writer in
            defer { self.recordBusy(since: start, for: plan) }
            try await Task.sleep(until: start + plan.firstToken)
            try await writer.write(ByteBuffer(string: prefix + #"{"role":"assistant","content":""},"finish_reason":null}]}"# + "\n\n"))
            let cutAt = kind == .truncate ? max(tokens.count / 2, 1) : Int.max
            var sent = 0
            while sent < tokens.count {
                let due = ContinuousClock.now
                var batch = ""
                while sent < tokens.count, sent == 0 || start + plan.firstToken + plan.interToken * sent <= due {
                    if sent == cutAt {
                        batch += prefix + #"{"content":"\#(tokens[sent].prefix(1))"#
                        try await writer.write(ByteBuffer(string: batch))
                        try await cutConnection()
                    }
                    batch += prefix + #"{"content":\#(jsonQuoted(tokens[sent]))},"finish_reason":null}]}"# + "\n\n"
                    sent += 1
                }
                try await writer.write(ByteBuffer(string: batch))
                if sent < tokens.count {
                    try await Task.sleep(until: start + plan.firstToken + plan.interToken * sent)
                }
            }
            if kind == .truncate {
                try await writer.write(ByteBuffer(string: prefix + #"{"tool_calls":[{"index":0,"#))
                try await cutConnection()
            }
            if kind == .malformed {
                try await writer.write(ByteBuffer(string: "data: {\"choices\": [ this is not json\n\n"))
            }
            var tail = ""
            for (index, call) in plan.toolCalls.enumerated() {
                // Split the arguments so the client has to assemble them across chunks.
                let arguments = call.arguments
                let middle = arguments.index(arguments.startIndex, offsetBy: arguments.count / 2)
                tail +=
                    prefix
                    + #"{"tool_calls":[{"index":\#(index),"id":\#(jsonQuoted(call.id)),"type":"function","function":{"name":\#(jsonQuoted(call.name)),"arguments":\#(jsonQuoted(String(arguments[..<middle])))}}]},"finish_reason":null}]}"#
                    + "\n\n"
                tail +=
                    prefix
                    + #"{"tool_calls":[{"index":\#(index),"function":{"arguments":\#(jsonQuoted(String(arguments[middle...])))}}]},"finish_reason":null}]}"#
                    + "\n\n"
            }
            let finish = plan.toolCalls.isEmpty ? "stop" : "tool_calls"
            tail += prefix + #"{},"finish_reason":"\#(finish)"}]}"# + "\n\n"
            tail +=
                #"data: {"id":"\#(id)","object":"chat.completion.chunk","model":\#(model),"choices":[],"usage":\#(self.usageJSON(plan: plan, completionTokens: tokens.count))}"#
                + "\n\n"
            tail += "data: [DONE]\n\n"
            try await writer.write(ByteBuffer(string: tail))
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: body
        )
    }
}
