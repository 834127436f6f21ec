"""``torch.nn.utils``: gradient clipping and parameter/vector conversion.

>>> import compat as torch
>>> w = torch.tensor([2.0], requires_grad=True)
>>> (10 * w).sum().backward()
>>> torch.nn.utils.clip_grad_norm_([w], 1.0), w.grad
(tensor(10.), tensor([1.0000]))
"""

from compat.nn.utils import clip_grad as clip_grad, convert_parameters as convert_parameters
from compat.nn.utils.clip_grad import (
    clip_grad_norm as clip_grad_norm,
    clip_grad_norm_ as clip_grad_norm_,
    clip_grad_value_ as clip_grad_value_,
    clip_grads_with_norm_ as clip_grads_with_norm_,
    get_total_norm as get_total_norm,
)
from compat.nn.utils.convert_parameters import (
    parameters_to_vector as parameters_to_vector,
    vector_to_parameters as vector_to_parameters,
)
