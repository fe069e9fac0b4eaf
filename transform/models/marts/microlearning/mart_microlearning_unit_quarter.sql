{{ unit_quarter_mart([
    ['active_learners', 'integer'], ['learning_sessions', 'integer'], ['micro_sessions', 'integer'],
    ['micro_items', 'integer'], ['micro_items_per_learner', 'double'], ['l1_microlearning', 'double'],
]) }}
