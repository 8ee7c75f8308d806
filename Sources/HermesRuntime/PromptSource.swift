import HermesAgent
import HermesCore
import HermesStore
import HermesTools
import NIOPosix

/// Where one session's system prompt comes from, as Python's agent gets it: the prompt stored
/// with a resumed session made for this model and provider, word for word; else one built as
/// Python builds it, with the memory snapshot taken then; and after each compression, the prompt
/// in force if it still shows the memory files as they are now, else one built anew. Files are
/// read and git runs on NIO's blocking pool, never on the cooperative one; the toolchain probe,
/// on a thread of its own, is awaited before.
struct PromptSource: Sendable {
    var session: NewSession
    var toolsets: [String]
    var memory: MemoryStore?
    var contextLength: Int?
    var settings: RuntimeSettings
    var tools: ToolRegistry

    /// The prompt the session starts (or resumes) with.
    func initial(resumed: Bool) async throws(AgentError) -> String {
        if resumed, let stored = session.systemPrompt,
            SystemPrompt.storedPromptMatches(stored, model: settings.model.name, provider: settings.model.provider)
        {
            return stored
        }
        return try await build(memory: snapshot())
    }

    /// The prompt after a compression (Python's `invalidate_system_prompt`, then its retention
    /// check): the memory files are read again, and `current` is kept when it shows them.
    func refreshed(_ current: String) async throws(AgentError) -> String {
        let memory = try await snapshot()
        if SystemPrompt.reflectsMemory(memory, in: current) { return current }
        return try await build(memory: memory)
    }

    /// The memory files as they are now (Python's `load_from_disk`); nil without a store.
    private func snapshot() async throws(AgentError) -> MemorySnapshot? {
        guard let memory else { return nil }
        do {
            return try await memory.snapshot()
        } catch {
            throw AgentError(.failed, "the memory files could not be read: \(error)", cause: error)
        }
    }

    private func build(memory: MemorySnapshot?) async throws(AgentError) -> String {
        var inputs = PromptInputs(
            hermesHome: settings.hermesHome, platform: session.source, model: settings.model.name,
            provider: settings.model.provider, toolNames: Set((try? tools.specs(forToolsets: toolsets))?.map(\.name) ?? []),
            workingDirectory: settings.workingDirectory, userHome: settings.userHome)
        inputs.profile = settings.profile
        inputs.contextLength = contextLength
        inputs.environmentHint = settings.environmentHint
        inputs.codingContext = settings.codingContext
        inputs.codingInstructions = settings.codingInstructions
        // Awaited here, holding no thread of the blocking pool the prompt is built on.
        if settings.environmentProbe { inputs.toolchainLine = await EnvironmentProbe.line() }
        inputs.timeZone = settings.timeZone
        if let memory { inputs.memoryBlocks = [memory.block(.memory), memory.block(.user)] }
        let prepared = inputs
        do {
            return try await NIOThreadPool.singleton.runIfActive { SystemPrompt.build(prepared) }
        } catch {
            throw AgentError(.failed, "the system prompt could not be built: \(error)", cause: error)
        }
    }
}
