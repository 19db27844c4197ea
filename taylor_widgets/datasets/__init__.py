"""Demo data and the small models the tours train: procedural, seeded, no downloads.

Not part of the explainer core; nothing in `core/` imports it.
"""
from .cam_hits import relational_hits
from .images import sort_of_clevr, yield_or_go
from .image_models import YieldOrGoCNN, train_yield_or_go
from .relation_net import RelationNet, load_relation_net, train_relation_net
from .sentiment import SentimentData, sentiment_sentences, train_sentiment_transformer
from .synthetic import tsang_function
from .text_models import TextEncoder, TinyTextTransformer, TokenEmbedding, tiny_text_transformer
from .vision_models import ResNet18Shaped, TinyViT, resnet18_shaped, tiny_vit

__all__ = [
    "RelationNet", "ResNet18Shaped", "SentimentData", "TextEncoder", "TinyTextTransformer", "TinyViT", "TokenEmbedding",
    "YieldOrGoCNN", "load_relation_net", "relational_hits", "resnet18_shaped", "sentiment_sentences", "sort_of_clevr",
    "tiny_text_transformer", "tiny_vit", "train_relation_net", "train_sentiment_transformer",
    "train_yield_or_go", "tsang_function", "yield_or_go",
]
