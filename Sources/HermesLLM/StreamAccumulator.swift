import HermesCore

/// Assembles a streamed completion from its chunks: text appended in order, tool calls put
/// together from deltas keyed by `index` (the id and name come first, the arguments in pieces).
struct StreamAccumulator {
    private struct PartialCall {
        var id = ""
        var name = ""
        var arguments = ""
    }

    private var text = ""
    private var sawText = false
    private var calls: [Int: PartialCall] = [:]
    private(set) var finishReason: String?
    private(set) var usage: Usage?
    private(set) var model: String?

    /// Applies one chunk; `emit` receives the user-visible progress it carries.
    mutating func apply(_ chunk: WireChunk, emit: (ChatStreamEvent) -> Void) {
        if let model = chunk.model { self.model = model }
        if let usage = chunk.usage { self.usage = usage }
        for choice in chunk.choices ?? [] {
            if let reason = choice.finishReason { finishReason = reason }
            guard let delta = choice.delta else { continue }
            if let piece = delta.content, !piece.isEmpty {
                text += piece
                sawText = true
                emit(.textDelta(piece))
            }
            for callDelta in delta.toolCalls ?? [] {
                let index = callDelta.index ?? calls.count
                var call = calls[index] ?? PartialCall()
                if let id = callDelta.id, !id.isEmpty { call.id = id }
                if let name = callDelta.function?.name, !name.isEmpty {
                    if call.name.isEmpty { emit(.toolCallStarted(index: index, name: name)) }
                    call.name += name
                }
                if let piece = callDelta.function?.arguments { call.arguments += piece }
                calls[index] = call
            }
        }
    }

    /// The assembled assistant message.
    func message() -> Message {
        let toolCalls = calls.sorted { $0.key < $1.key }.map { index, call in
            ToolCall(id: call.id.isEmpty ? "call_\(index)" : call.id, name: call.name, arguments: call.arguments)
        }
        return Message(role: .assistant, content: sawText ? text : nil, toolCalls: toolCalls)
    }
}
