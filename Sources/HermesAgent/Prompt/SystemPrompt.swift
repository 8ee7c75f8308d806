import Foundation
import HermesCore
import HermesTools

/// What a session's system prompt is built from: who runs it, where, with which tools, and the
/// memory snapshot taken when the session started.
public struct PromptInputs: Sendable {
    /// `$HERMES_HOME`: where `SOUL.md` is read, and the path the profile paragraph names; nil
    /// reads no file there (the harness's runtimes), and names `~/.hermes`.
    public var hermesHome: String?
    /// `default`, or the profile's name.
    public var profile: String = "default"
    /// The session's platform (`cli`, `api_server`, `telegram`, `webhook`).
    public var platform: String
    /// The model name sent.
    public var model: String
    /// The provider it was chosen by (`custom`), for the `Provider:` line.
    public var provider: String
    /// The names of the tools the session is offered.
    public var toolNames: Set<String>
    /// Where the tools work: the environment hint names it, and context files are found there.
    public var workingDirectory: String
    /// `$HOME`, which the environment hint names.
    public var userHome: String
    /// The model's context window, which scales the cap of a context file (nil: Python's
    /// 256,000-token fallback).
    public var contextLength: Int?
    /// `HERMES_ENVIRONMENT_HINT` (else `agent.environment_hint`): text appended to the
    /// environment hint.
    public var environmentHint: String?
    /// `agent.coding_context`: when the coding posture applies (`CodingPosture`).
    public var codingContext = CodingContextMode.auto
    /// `agent.coding_instructions`, one per line: the operator's block of the coding posture.
    public var codingInstructions = ""
    /// The toolchain probe's line (`EnvironmentProbe.line()`, when `agent.environment_probe` is
    /// on), which names the Python toolchain's state when something there is off; empty for none.
    public var toolchainLine = ""
    /// The rendered memory blocks of the session-start snapshot (`MEMORY.md`, then `USER.md`);
    /// empty strings when there are none.
    public var memoryBlocks: [String] = []
    /// When the conversation started, and in which time zone its date is written.
    public var started = Date()
    /// `HERMES_TIMEZONE` (or config.yaml's `timezone`); nil is the machine's.
    public var timeZone: TimeZone?

    /// Inputs; the rest keep their defaults.
    public init(
        hermesHome: String?, platform: String, model: String, provider: String, toolNames: Set<String>,
        workingDirectory: String, userHome: String
    ) {
        self.hermesHome = hermesHome
        self.platform = platform
        self.model = model
        self.provider = provider
        self.toolNames = toolNames
        self.workingDirectory = workingDirectory
        self.userHome = userHome
    }
}

/// The system prompt as the Python project builds it (`agent/system_prompt.py`), part for part
/// and byte for byte: a stable tier (identity from `SOUL.md` or the default, guidance for the
/// tools offered, model-family guidance, the environment, the profile, the platform's hint), a
/// context tier (the project's `.hermes.md`, `AGENTS.md`, `CLAUDE.md` or `.cursorrules`), and a
/// volatile tier (the memory snapshot, the date, model and provider). Each part is trimmed,
/// empty ones are dropped, and parts and tiers are joined by a blank line.
///
/// Built once per session, from files read and commands run (git) on a thread that may block
/// (`build` is synchronous: call it off the cooperative pool; the toolchain probe's line comes
/// in `PromptInputs`, awaited before), and stored
/// with the session, so a resumed session keeps its prompt word for word
/// (`storedPromptMatches`); rebuilt after a compression only when the memory files no longer
/// read as it shows them (`reflectsMemory`).
///
/// The stable tier also carries, as Python's does, the coding posture for `cli` in a code
/// workspace (`CodingPosture`: its brief, the git snapshot, the operator's instructions, and the
/// focus mode's shorter skills index), the Python-toolchain line (`EnvironmentProbe`) and, under
/// WSL, Python's WSL hint. Python's hints for a terminal in a container or on another host are
/// not: ours runs commands on this machine only (`terminal.backend` must be `local`).
public enum SystemPrompt {
    /// Python's default identity (`DEFAULT_AGENT_IDENTITY`), which is also the `SOUL.md` it
    /// seeds a new profile with.
    public static var defaultIdentity: String { PythonPromptText.defaultAgentIdentity }

    /// The prompt for `inputs`.
    public static func build(_ inputs: PromptInputs) -> String {
        let tools = inputs.toolNames
        let contextCap = ContextFiles.maxCharacters(contextLength: inputs.contextLength)
        var stable: [String] = []
        stable.append(inputs.hermesHome.flatMap { identity(home: $0, cap: contextCap) } ?? PythonPromptText.defaultAgentIdentity)
        stable.append(PythonPromptText.helpGuidance)
        if !tools.isEmpty {
            stable.append(PythonPromptText.taskCompletionGuidance)
            stable.append(PythonPromptText.parallelToolCallGuidance)
        }
        var guidance: [String] = []
        if tools.contains("memory") { guidance.append(PythonPromptText.memoryGuidance) }
        if tools.contains("session_search") { guidance.append(PythonPromptText.sessionSearchGuidance) }
        if tools.contains("skill_manage") { guidance.append(PythonPromptText.skillsGuidance) }
        if !guidance.isEmpty { stable.append(guidance.joined(separator: " ")) }
        if !tools.isEmpty {
            stable.append(PythonPromptText.steerChannelNote)
            let model = inputs.model.lowercased()
            if PythonPromptText.toolUseEnforcementModels.contains(where: model.contains) {
                stable.append(PythonPromptText.toolUseEnforcementGuidance)
                if model.contains("gemini") || model.contains("gemma") {
                    stable.append(PythonPromptText.googleModelOperationalGuidance)
                }
                if model.contains("gpt") || model.contains("codex") || model.contains("grok") {
                    stable.append(PythonPromptText.openAIModelExecutionGuidance)
                }
            }
        }
        // Decided once (stat calls, maybe a short folder scan), and, as in Python, only when tools are offered.
        let coding = !tools.isEmpty && CodingPosture.applies(inputs)
        if let index = skillsIndex(inputs, namesOnly: CodingPosture.namesOnlyCategories(inputs, applies: coding)) {
            stable.append(index)
        }
        stable.append(environmentHints(inputs))
        if coding { stable += CodingPosture.blocks(inputs) }
        stable.append(inputs.toolchainLine)
        stable.append(profileParagraph(home: inputs.hermesHome ?? "~/.hermes", profile: inputs.profile))
        if let hint = PythonPromptText.platformHints[inputs.platform.lowercased().trimmingCharacters(in: .whitespaces)] {
            stable.append(hint)
        }
        let context = [ContextFiles.prompt(in: inputs.workingDirectory, cap: contextCap)]
        var volatile = inputs.memoryBlocks
        volatile.append(timestampLines(inputs))
        return [stable, context, volatile].map(joined).filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// Whether a stored prompt may be reused for a session now run by `model` and `provider`:
    /// as Python's `_stored_prompt_matches_runtime`, unless its last `Model:` or `Provider:` line
    /// names another one.
    public static func storedPromptMatches(_ prompt: String, model: String, provider: String) -> Bool {
        func last(_ label: String) -> String {
            prompt.split(separator: "\n", omittingEmptySubsequences: false).last { $0.hasPrefix(label) }
                .map { pythonStrip(String($0.dropFirst(label.count))) } ?? ""
        }
        let provider = pythonStrip(provider).lowercased()
        for (label, current) in [("Model:", pythonStrip(model)), ("Provider:", provider)] {
            let stored = last(label)
            if !stored.isEmpty, !current.isEmpty, stored != current { return false }
        }
        return true
    }

    /// Whether `prompt` already shows the memory as `snapshot` (just reloaded) has it, so that a
    /// compression may keep the prompt word for word (Python's
    /// `_cached_prompt_reflects_builtin_memory`): every non-empty block is in it verbatim, and no
    /// block title is left for a target that is now empty or off. A nil snapshot (no memory
    /// store) has no blocks.
    public static func reflectsMemory(_ snapshot: MemorySnapshot?, in prompt: String) -> Bool {
        MemoryTarget.allCases.allSatisfy { target in
            let block = pythonStrip(snapshot?.block(target) ?? "")
            return block.isEmpty ? !prompt.contains(target.blockTitle) : prompt.contains(block)
        }
    }

    /// Python's `str.strip()` of each part, the empty ones dropped, joined by a blank line.
    static func joined(_ parts: [String]) -> String {
        parts.map(pythonStrip).filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// `text` without leading and trailing whitespace, as Python's `str.strip()` (Unicode
    /// whitespace, newlines included).
    static func pythonStrip(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The skills index (`build_skills_system_prompt`), when a skills tool is offered and a skill
    /// is listed, the `namesOnly` categories demoted; the session's toolsets are those of its
    /// tools, as Python's `get_toolset_for_tool` gives them.
    private static func skillsIndex(_ inputs: PromptInputs, namesOnly: Set<String>) -> String? {
        let tools = inputs.toolNames
        guard let home = inputs.hermesHome, !tools.isDisjoint(with: ["skills_list", "skill_view", "skill_manage"]) else { return nil }
        let toolsets = Set(ToolRegistry.builtInEntries.filter { tools.contains($0.spec.name) }.map(\.toolset))
        let platform = inputs.platform == "cli" ? "" : inputs.platform
        let library = SkillsLibrary(hermesHome: home, userHome: inputs.userHome, profile: inputs.profile, platform: platform)
        let listing = SkillsIndex.listing(library, tools: tools, toolsets: toolsets, namesOnly: namesOnly)
        guard !listing.lines.isEmpty else { return nil }
        return PythonPromptText.skillsIndexHead + listing.lines.joined(separator: "\n") + PythonPromptText.skillsIndexTail
            + (listing.hasNamesOnly ? PythonPromptText.skillsIndexNamesOnlyNote : "")
    }

    /// `SOUL.md`, scanned and capped, or nil when it is missing or empty.
    private static func identity(home: String, cap: Int) -> String? {
        let path = home + "/SOUL.md"
        guard let content = ContextFiles.read(path), !content.isEmpty else { return nil }
        return ContextFiles.truncated(ContextFiles.scanned(content, name: "SOUL.md"), label: "SOUL.md", cap: cap, path: path)
    }

    /// `build_environment_hints` for the local backend: the host (WSL named as such), the home
    /// and the directory; under WSL, Python's hint on reaching Windows' files; the embedder's hint.
    private static func environmentHints(_ inputs: PromptInputs) -> String {
        var system = utsname()
        uname(&system)
        let release = withUnsafeBytes(of: system.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let name = withUnsafeBytes(of: system.sysname) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let host = isWSL ? "Host: WSL (Windows Subsystem for Linux)" : "Host: \(name == "Darwin" ? "macOS" : name) (\(release))"
        var blocks = [
            [host, "User home directory: \(inputs.userHome)", "Current working directory: \(inputs.workingDirectory)"]
                .joined(separator: "\n")
        ]
        if isWSL { blocks.append(PythonPromptText.wslEnvironmentHint) }
        if let hint = inputs.environmentHint.map(pythonStrip), !hint.isEmpty { blocks.append(hint) }
        return blocks.joined(separator: "\n\n")
    }

    /// Python's `is_wsl`, read once per process: the kernel's `/proc/version` names Microsoft
    /// under WSL 1 and 2.
    private static let isWSL = (try? String(contentsOfFile: "/proc/version", encoding: .utf8))?.lowercased().contains("microsoft") ?? false

    /// The active-profile paragraph, with Python's wording for each case (its named-profile
    /// text names `HOME/profiles/NAME` under the profile's own home: those are its bytes).
    private static func profileParagraph(home: String, profile: String) -> String {
        if profile == "default" || profile == "custom" {
            return
                "Active Hermes profile: default. Other profiles (if any) live under \(home)/profiles/<name>/. Each profile has its own skills/, plugins/, cron/, and memories/ that affect a different session than this one. Do not modify another profile's skills/plugins/cron/memories unless the user explicitly directs you to."
        }
        return
            "Active Hermes profile: \(profile). This session reads and writes \(home)/profiles/\(profile)/. The default profile's data lives at \(home)/skills/, \(home)/plugins/, \(home)/cron/, \(home)/memories/ — those belong to a different session run from a different shell. Do NOT modify another profile's skills/plugins/cron/memories unless the user explicitly directs you to. The cross-profile write guard will refuse such writes by default; pass cross_profile=True only after explicit direction."
    }

    /// `Conversation started: Wednesday, December 02, 2026`, then the model and the provider.
    private static func timestampLines(_ inputs: PromptInputs) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = inputs.timeZone ?? .current
        formatter.dateFormat = "EEEE, MMMM dd, yyyy"
        var lines = ["Conversation started: \(formatter.string(from: inputs.started))"]
        if !inputs.model.isEmpty { lines.append("Model: \(inputs.model)") }
        let provider = inputs.provider.trimmingCharacters(in: .whitespaces).lowercased()
        if !provider.isEmpty { lines.append("Provider: \(provider)") }
        return lines.joined(separator: "\n")
    }
}
