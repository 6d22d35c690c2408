"""The trace: one iteration computed eagerly into its steps, in DESIGN §1's order."""

from dataclasses import dataclass

from nnviz.core.activations import ACTIVATIONS
from nnviz.core.convention import layer_name, to_convention, vector_to_convention
from nnviz.core.losses import LOSSES, is_fused, loss_heading, reduction_factor
from nnviz.core.network import (
    Backward,
    Forward,
    backward,
    forward,
    output_loss,
    penalty,
    quiet,
    update,
)
from nnviz.core.session import Session
from nnviz.core.step_kinds import L2_WORDS, loss_expression
from nnviz.core.steps import Operand, Product, Role, Step, as_matrix, readonly, step_id
from nnviz.core.types import Mat


@dataclass(frozen=True, slots=True)
class Trace:
    session: Session
    steps: tuple[Step, ...]
    loss: float
    forward: Forward
    backward: Backward
    W_next: tuple[Mat, ...]  # the parameters after this iteration's update
    b_next: tuple[Mat, ...]

    def index(self, sid: str) -> int:
        for i, s in enumerate(self.steps):
            if s.id == sid:
                return i
        raise KeyError(f"no step {sid!r} in this iteration")

    def step(self, sid: str) -> Step:
        return self.steps[self.index(sid)]

    def reached(self, index: int, role: Role, layer: int) -> bool:
        """Whether step `index` or one before it computed the `role` matrix of `layer` (A⁽²⁾ is
        reached at forward.2.activation, δ⁽¹⁾ at backward.1.delta): what a view may show as
        known at that step, asked by role instead of by step kind."""
        return any(
            s.result.role == role and s.result.layer == layer for s in self.steps[: index + 1]
        )

    def weight_change(self, index: int) -> tuple[int, Mat] | None:
        """At a step that writes updated weights: (its layer, W′ − W), canonical layout; else
        None. What a view shows as "which weights moved most" on an update step."""
        result = self.steps[index].result
        if result.role != Role.UPDATED_W or result.layer is None:
            return None
        l = result.layer
        with quiet():  # inf − inf: a NaN change, drawn as such
            return l, self.W_next[l - 1] - self.session.W[l - 1]

    def next_session(self) -> Session:
        """The session with the parameters after this iteration's update."""
        return self.session.with_parameters(self.W_next, self.b_next)


def _k_text(reduction: str) -> str:
    return "(1/B)" if reduction == "mean" else ""


class _Builder:
    """Names and lays out one session's matrices; makes the steps of its trace."""

    def __init__(
        self,
        s: Session,
        fwd: Forward,
        bwd: Backward,
        loss: float,
        W_next: tuple[Mat, ...],
        b_next: tuple[Mat, ...],
    ) -> None:
        self.s, self.fwd, self.bwd, self.loss = s, fwd, bwd, loss
        self.W_next, self.b_next = W_next, b_next
        self.row = s.convention == "row"
        self.k = reduction_factor(s.reduction, s.batch)
        self.l2 = s.l2 if s.l2 else None  # the steps carry λ only when L2 is on

    # operands -------------------------------------------------------------------------------
    def mat(self, name: str, label: str, symbol: str, M: Mat, role: Role, layer: int) -> Operand:
        value = readonly(to_convention(M, self.s.convention))
        return Operand(name, label, symbol, value, role, layer)

    def vec(self, name: str, label: str, symbol: str, v: Mat, role: Role, layer: int) -> Operand:
        value = readonly(vector_to_convention(v, self.s.convention))
        return Operand(name, label, symbol, value, role, layer)

    def A(self, layer: int) -> Operand:
        if layer == 0:
            return self.mat("A0", "X", "X", self.s.X, Role.INPUT, 0)
        A = self.fwd.A[layer - 1]
        return self.mat(f"A{layer}", layer_name("A", layer), "A", A, Role.ACTIVATION, layer)

    def W(self, layer: int) -> Operand:
        W = self.s.W[layer - 1]
        return self.mat(f"W{layer}", layer_name("W", layer), "W", W, Role.WEIGHTS, layer)

    def Z(self, layer: int) -> Operand:
        Z = self.fwd.Z[layer - 1]
        return self.mat(f"Z{layer}", layer_name("Z", layer), "Z", Z, Role.PRE_ACTIVATION, layer)

    def dW(self, layer: int) -> Operand:
        label, dW = f"∂L/∂{layer_name('W', layer)}", self.bwd.dW[layer - 1]
        return self.mat(f"dW{layer}", label, "dW", dW, Role.GRAD_W, layer)

    def db(self, layer: int) -> Operand:
        label, db = f"∂L/∂{layer_name('b', layer)}", self.bwd.db[layer - 1]
        return self.vec(f"db{layer}", label, "db", db, Role.GRAD_B, layer)

    def Y(self) -> Operand:
        return self.mat("Y", "Y", "Y", self.s.Y, Role.TARGET, self.s.depth)

    def a_label(self, layer: int) -> str:
        return "X" if layer == 0 else layer_name("A", layer)

    def step(self, phase: str, layer: int | None, kind: str, **kw: object) -> Step:
        return Step(
            id=step_id(phase, layer, kind),
            phase=phase,
            layer=layer,
            kind=kind,
            convention=self.s.convention,
            **kw,  # type: ignore[arg-type]
        )

    # forward --------------------------------------------------------------------------------
    def forward_steps(self, l: int) -> list[Step]:
        s, i = self.s, l - 1
        n_l, n_prev, B = s.layers[l], s.layers[l - 1], s.batch
        W, A_prev = self.W(l), self.A(l - 1)
        P = self.mat(f"P{l}", layer_name("P", l), "P", self.fwd.P[i], Role.PRODUCT, l)
        Pl, Wl, Al = layer_name("P", l), layer_name("W", l), self.a_label(l - 1)
        if self.row:
            ops, eq, prod = (A_prev, W), f"{Pl} = {Al} · {Wl}", Product(0, False, 1, False)
        else:
            ops, eq, prod = (W, A_prev), f"{Pl} = {Wl} · {Al}", Product(0, False, 1, False)
        inputs = "inputs" if l == 1 else f"layer {l - 1}'s activations"
        matmul = self.step(
            "forward",
            l,
            "matmul",
            title=f"multiply the {inputs} by the weights",
            equation=eq,
            operands=ops,
            result=P,
            cost=n_l * n_prev * B,
            product=prod,
        )
        b = self.vec(f"b{l}", layer_name("b", l), "b", s.b[i], Role.BIAS, l)
        Z = self.Z(l)
        bias = self.step(
            "forward",
            l,
            "bias",
            title="add the bias to every sample",
            equation=f"{layer_name('Z', l)} = {Pl} + {layer_name('b', l)}",
            operands=(P, b),
            result=Z,
            cost=n_l * B,
        )
        act = ACTIVATIONS[s.activations[i]]
        A = self.A(l)
        activation = self.step(
            "forward",
            l,
            "activation",
            title=f"apply the activation: {act.title}",
            equation=f"{layer_name('A', l)} = {act.symbol}({layer_name('Z', l)})",
            operands=(Z,),
            result=A,
            cost=n_l * B,
            activation=act.name,
        )
        return [matmul, bias, activation]

    # loss -----------------------------------------------------------------------------------
    def loss_step(self) -> Step:
        s, L = self.s, self.s.depth
        loss = LOSSES[s.loss]
        A, Y = self.A(L), self.Y()
        # A loss computed from Z (so finite for every finite Z) shows Z too.
        ops: tuple[Operand, ...] = (self.Z(L), A, Y) if loss.from_z else (A, Y)
        title = f"the loss: {loss_heading(s.loss, s.reduction)}"
        if self.l2:  # the penalty reads every W: they follow the data loss's operands
            ops += tuple(self.W(l) for l in range(1, L + 1))
            title += f" {L2_WORDS}"
        return self.step(
            "loss",
            None,
            "loss",
            title=title,
            equation=f"L = {loss_expression(s.loss, s.reduction, s.l2)}",
            operands=ops,
            result=Operand("L", "L", "L", as_matrix(self.loss), Role.LOSS, None),
            # with L2, one more multiply-add per weight: its square into the penalty
            cost=s.layers[-1] * s.batch + (sum(w.size for w in s.W) if self.l2 else 0),
            scalar=True,
            k=self.k,
            loss=s.loss,
            reduction=s.reduction,
            l2=self.l2,
        )

    # backward -------------------------------------------------------------------------------
    def dA(self, layer: int) -> Operand:
        M = self.bwd.dA[layer - 1]
        assert M is not None  # only asked for layers that have it
        label = f"∂L/∂{layer_name('A', layer)}"
        return self.mat(f"dA{layer}", label, "dA", M, Role.OUTPUT_GRAD, layer)

    def delta(self, layer: int) -> Operand:
        d = self.bwd.delta[layer - 1]
        return self.mat(f"delta{layer}", layer_name("δ", layer), "δ", d, Role.DELTA, layer)

    def backward_steps(self, l: int) -> list[Step]:
        s, i, L = self.s, l - 1, self.s.depth
        n_l, n_prev, B = s.layers[l], s.layers[l - 1], s.batch
        steps: list[Step] = []
        fused = l == L and is_fused(s.loss, s.activations[-1])
        k = _k_text(s.reduction)
        c = LOSSES[s.loss].grad_text(n_l)  # ∂ℓ/∂a = c·(a − y): "2" for sse
        c = f"·{c}" if c and k else c
        dl, Al, Yl = layer_name("δ", l), layer_name("A", l), "Y"
        if l == L and not fused:
            steps.append(
                self.step(
                    "backward",
                    l,
                    "output_grad",
                    title="the output error: how the loss changes with the output",
                    equation=f"∂L/∂{Al} = {k}{c}({Al} − {Yl})",
                    operands=(self.A(l), self.Y()),
                    result=self.dA(l),
                    cost=n_l * B,
                    k=self.k,
                    loss=s.loss,
                )
            )
        act = ACTIVATIONS[s.activations[i]]
        if fused:
            steps.append(
                self.step(
                    "backward",
                    l,
                    "delta",
                    title=f"δ: the output error, fused ({act.title} with {LOSSES[s.loss].title})",
                    equation=f"{dl} = {k}({Al} − Y)",
                    operands=(self.A(l), self.Y()),
                    result=self.delta(l),
                    cost=n_l * B,
                    fused=True,
                    activation=act.name,
                    k=self.k,
                )
            )
        else:
            Z = self.Z(l)
            steps.append(
                self.step(
                    "backward",
                    l,
                    "delta",
                    title="δ: the error at the pre-activations",
                    equation=f"{dl} = ∂L/∂{Al} ⊙ {act.symbol}′({layer_name('Z', l)})",
                    operands=(self.dA(l), Z),
                    result=self.delta(l),
                    cost=n_l * B,
                    activation=act.name,
                )
            )
        delta, A_prev = self.delta(l), self.A(l - 1)
        dW = self.dW(l)
        ap = self.a_label(l - 1)
        if self.row:
            ops, eq = (A_prev, delta), f"∂L/∂{layer_name('W', l)} = {ap}ᵀ · {dl}"
            prod = Product(0, True, 1, False)
        else:
            ops, eq = (delta, A_prev), f"∂L/∂{layer_name('W', l)} = {dl} · {ap}ᵀ"
            prod = Product(0, False, 1, True)
        title, cost = "the gradient of the weights", n_l * n_prev * B
        if self.l2:  # the penalty's own term: + λ·W⁽ˡ⁾, one more multiply-add per weight
            ops += (self.W(l),)
            eq += f" + λ·{layer_name('W', l)}"
            title += " + λW (L2)"
            cost += n_l * n_prev
        steps.append(
            self.step(
                "backward",
                l,
                "grad_W",
                title=title,
                equation=eq,
                operands=ops,
                result=dW,
                cost=cost,
                product=prod,
                l2=self.l2,
            )
        )
        db = self.db(l)
        steps.append(
            self.step(
                "backward",
                l,
                "grad_b",
                title="the gradient of the biases: δ summed over the batch",
                equation=f"∂L/∂{layer_name('b', l)} = Σₛ {dl}",
                operands=(delta,),
                result=db,
                cost=n_l * B,
            )
        )
        if l >= 2:
            W = self.W(l)
            target = f"∂L/∂{layer_name('A', l - 1)}"
            if self.row:
                ops, eq = (delta, W), f"{target} = {dl} · {layer_name('W', l)}ᵀ"
                prod = Product(0, False, 1, True)
            else:
                ops, eq = (W, delta), f"{target} = {layer_name('W', l)}ᵀ · {dl}"
                prod = Product(0, True, 1, False)
            steps.append(
                self.step(
                    "backward",
                    l,
                    "backprop",
                    title=f"propagate the error back to layer {l - 1}",
                    equation=eq,
                    operands=ops,
                    result=self.dA(l - 1),
                    cost=n_l * n_prev * B,
                    product=prod,
                )
            )
        return steps

    # update ---------------------------------------------------------------------------------
    def update_steps(self, l: int) -> list[Step]:
        s, i = self.s, l - 1
        lr = s.learning_rate
        Wl = layer_name("W", l)
        dW = self.dW(l)
        W_new = self.mat(f"W{l}_new", f"{Wl} (new)", "W′", self.W_next[i], Role.UPDATED_W, l)
        steps = [
            self.step(
                "update",
                l,
                "W",
                title=f"update the weights of layer {l}",
                equation=f"{Wl} ← {Wl} − η · ∂L/∂{Wl}",
                operands=(self.W(l), dW),
                result=W_new,
                cost=s.W[i].size,
                learning_rate=lr,
            )
        ]
        if s.train_biases:
            bl = layer_name("b", l)
            b = self.vec(f"b{l}", bl, "b", s.b[i], Role.BIAS, l)
            db = self.db(l)
            b_new = self.vec(f"b{l}_new", f"{bl} (new)", "b′", self.b_next[i], Role.UPDATED_B, l)
            steps.append(
                self.step(
                    "update",
                    l,
                    "b",
                    title=f"update the biases of layer {l}",
                    equation=f"{bl} ← {bl} − η · ∂L/∂{bl}",
                    operands=(b, db),
                    result=b_new,
                    cost=s.b[i].size,
                    learning_rate=lr,
                )
            )
        return steps


def build_trace(s: Session) -> Trace:
    """Compute one iteration eagerly: every step's operands and result."""
    steps: list[Step] = []
    L = s.depth
    with quiet():
        fwd = forward(s.W, s.b, s.X, s.activations)
        loss = output_loss(fwd, s.Y, s.loss, s.reduction)
        if s.l2:  # the loss the loss step shows: the batch's, then the penalty added
            loss += penalty(s.W, s.l2)
        bwd = backward(s.W, s.X, s.Y, fwd, s.activations, s.loss, s.reduction, s.l2)
        # The update once, with the function training uses: the update steps show these
        # matrices and the next iteration starts from them.
        W_next = update(s.W, bwd.dW, s.learning_rate)
        b_next = update(s.b, bwd.db, s.learning_rate) if s.train_biases else s.b
        build = _Builder(s, fwd, bwd, loss, W_next, b_next)
        for l in range(1, L + 1):
            steps += build.forward_steps(l)
        steps.append(build.loss_step())
        for l in range(L, 0, -1):
            steps += build.backward_steps(l)
        for l in range(L, 0, -1):
            steps += build.update_steps(l)
    return Trace(s, tuple(steps), loss, fwd, bwd, W_next, b_next)
