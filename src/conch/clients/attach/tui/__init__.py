"""The attach client's screen: the only part of ``conch.clients`` that imports Textual."""
