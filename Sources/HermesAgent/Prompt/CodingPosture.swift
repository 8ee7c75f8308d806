/// `agent.coding_context`: when the system prompt takes Python's coding posture
/// (`agent/coding_context.py`).
public enum CodingContextMode: String, Sendable {
    /// The posture on an interactive coding surface (for us, `cli`) in a code workspace.
    case auto
    /// `auto`, and the skills index lists the non-coding categories by name only.
    case focus
    /// The posture everywhere, in a code workspace or not.
    case on
    /// Never.
    case off

    /// Python's `_coding_mode`: the configured value, trimmed and lowercased, with its aliases
    /// (`strict`, `lean`; `true`, `yes`, `1`, `always`; `false`, `no`, `0`, `never`); anything
    /// else is `auto`.
    public init(configured value: String) {
        switch SystemPrompt.pythonStrip(value).lowercased() {
        case "focus", "strict", "lean": self = .focus
        case "on", "true", "yes", "1", "always": self = .on
        case "off", "false", "no", "0", "never": self = .off
        default: self = .auto
        }
    }
}

/// Python's coding posture: for a session on an interactive coding surface in a code workspace
/// (or anywhere under `on`), the system prompt carries an operating brief (with the edit format
/// the model's family handles best), a snapshot of the workspace (`CodeWorkspace.snapshot`) and
/// the operator's standing instructions (`agent.coding_instructions`); under `focus`, the skills
/// index lists the non-coding categories by name only.
///
/// Python also narrows `hermes chat`'s toolsets to its `coding` toolset under `focus`; that is
/// not done here (every tool this implementation has is in that toolset).
enum CodingPosture {
    /// Python's `_detect_profile_name`: whether the session takes the posture.
    static func applies(_ inputs: PromptInputs) -> Bool {
        switch inputs.codingContext {
        case .off: return false
        case .on: return true
        case .auto, .focus:
            let platform = SystemPrompt.pythonStrip(inputs.platform).lowercased()
            guard platform.isEmpty || PythonPromptText.interactiveCodingPlatforms.contains(platform) else { return false }
            return CodeWorkspace.isCodeWorkspace(inputs.workingDirectory, home: inputs.userHome)
        }
    }

    /// `RuntimeMode.system_blocks` for a session that takes the posture: the brief, the
    /// workspace snapshot (when the directory is in a workspace), the operator's instructions.
    static func blocks(_ inputs: PromptInputs) -> [String] {
        var brief = PythonPromptText.codingAgentGuidance
        let model = inputs.model.lowercased()
        if let family = PythonPromptText.editFormatGuidance.first(where: { $0.needles.contains(where: model.contains) }) {
            brief += "\n" + family.line
        }
        var blocks = [brief]
        let snapshot = CodeWorkspace.snapshot(inputs.workingDirectory, home: inputs.userHome)
        if !snapshot.isEmpty { blocks.append(snapshot) }
        if !inputs.codingInstructions.isEmpty {
            blocks.append("Operator instructions (from config):\n\(inputs.codingInstructions)")
        }
        return blocks
    }

    /// The skill categories the index lists by name only: the non-coding ones, under `focus`.
    static func namesOnlyCategories(_ inputs: PromptInputs, applies: Bool) -> Set<String> {
        applies && inputs.codingContext == .focus ? Set(PythonPromptText.nonCodingSkillCategories) : []
    }
}
