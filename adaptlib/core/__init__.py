"""The paper's mathematics over numpy: state spaces (Eq. 1-3), the exact oracle and its price rule
(Eq. 4-7), the closed-form bounds (Eq. 8-11, 15-16), state selection (Algorithm 1), the budget
frontier and the bootstrap. Imports nothing outside core/ but numpy (pandas only where a table
is asked for)."""
