/// The base of every layer and network: a container whose parameters are found by reflection.
///
/// Stored properties of type ``Variable`` are parameters; stored properties that are modules (or
/// arrays of modules) are children, whose parameters are named with a dotted path
/// (`"layers.0.weight"`). Properties whose names start with `_` are skipped. The list is
/// discovered once, on first use, and cached in declaration order, so it never goes stale as
/// long as parameters are changed only through their values (``update(parameters:)``, an
/// optimizer) and not by replacing the `Variable` objects.
///
/// ```swift
/// final class Critic: Module {
///     let layers: MLP
///     init(rng: inout RandomGenerator) { layers = MLP([23, 256, 256, 1], activation: .relu, rng: &rng) }
/// }
/// critic.namedParameters().map(\.name)   // ["layers.layers.0.weight", "layers.layers.0.bias", …]
/// ```
///
/// ### See Also
/// - ``Layer``
/// - ``Optimizer``
open class Module {
    private var _cache: [NamedParameter]?

    /// Creates an empty module; subclasses declare their parameters and children as stored properties.
    public init() {}

    /// Every parameter with its dotted name, in declaration order (discovered once).
    public final func namedParameters() -> [NamedParameter] {
        if let cached = _cache { return cached }
        var found = [NamedParameter]()
        Module.collect(self, prefix: "", into: &found)
        _cache = found
        return found
    }

    /// Every parameter, in ``namedParameters()`` order.
    public final func parameters() -> [Variable] { namedParameters().map(\.variable) }

    /// The parameters that are not frozen (`requiresGrad`).
    public final func trainableParameters() -> [NamedParameter] {
        namedParameters().filter { $0.variable.requiresGrad }
    }

    /// The parameter values by name (copy-on-write snapshots).
    public final func parameterValues() -> [String: Tensor] {
        var result = [String: Tensor]()
        for p in namedParameters() { result[p.name] = p.variable.value }
        return result
    }

    /// Sets parameter values by name; every given name must exist with the same shape.
    /// - Parameter parameters: values keyed like ``namedParameters()``; missing names are left as they are.
    public final func update(parameters: [String: Tensor]) {
        let byName = Dictionary(uniqueKeysWithValues: namedParameters().map { ($0.name, $0.variable) })
        for (name, value) in parameters {
            guard let variable = byName[name] else {
                preconditionFailure("update(parameters:): no parameter named \"\(name)\" in \(type(of: self))")
            }
            precondition(variable.shape == value.shape,
                         "update(parameters:): \(name) has shape \(variable.shape), given \(value.shape)")
            variable.value = value
        }
        didUpdateParameters()
    }

    /// Called after ``update(parameters:)`` (and checkpoint loading); SpectralNorm re-runs its
    /// power-iteration warm-up here. Overrides must call `super`.
    open func didUpdateParameters() {
        for child in children() { child.didUpdateParameters() }
    }

    /// Stops gradients for every parameter (they no longer require gradients).
    public final func freeze() { for p in parameters() { p.requiresGrad = false } }
    /// Makes every parameter trainable again.
    public final func unfreeze() { for p in parameters() { p.requiresGrad = true } }
    /// Clears every parameter's gradient.
    public final func zeroGrad() { for p in parameters() { p.grad = nil } }

    /// The direct child modules, in declaration order.
    public final func children() -> [Module] {
        var result = [Module]()
        var mirror: Mirror? = Mirror(reflecting: self)
        var levels = [Mirror]()
        while let m = mirror { levels.append(m); mirror = m.superclassMirror }
        for m in levels.reversed() {
            for child in m.children {
                guard let label = child.label, !label.hasPrefix("_") else { continue }
                if let module = child.value as? Module { result.append(module) }
                if let modules = child.value as? [Module] { result.append(contentsOf: modules) }
            }
        }
        return result
    }

    private static func collect(_ module: Module, prefix: String, into found: inout [NamedParameter]) {
        var mirror: Mirror? = Mirror(reflecting: module)
        var levels = [Mirror]()
        while let m = mirror { levels.append(m); mirror = m.superclassMirror }
        for m in levels.reversed() {
            for child in m.children {
                guard let label = child.label, !label.hasPrefix("_") else { continue }
                let name = prefix + label
                if let variable = child.value as? Variable {
                    found.append(NamedParameter(name: name, variable: variable))
                } else if let variables = child.value as? [Variable] {
                    for (i, v) in variables.enumerated() { found.append(NamedParameter(name: "\(name).\(i)", variable: v)) }
                } else if let sub = child.value as? Module {
                    collect(sub, prefix: name + ".", into: &found)
                } else if let subs = child.value as? [Module] {
                    for (i, s) in subs.enumerated() { collect(s, prefix: "\(name).\(i).", into: &found) }
                }
            }
        }
    }
}

/// A parameter and its dotted name in a module tree.
public struct NamedParameter {
    /// The dotted path, e.g. `"layers.0.weight"`.
    public var name: String
    /// The parameter.
    public var variable: Variable
    /// Creates a named parameter.
    public init(name: String, variable: Variable) {
        self.name = name
        self.variable = variable
    }
}

/// A module with one input and one output.
public protocol Layer: AnyObject {
    /// Applies the layer.
    func callAsFunction(_ x: Variable) -> Variable
}
