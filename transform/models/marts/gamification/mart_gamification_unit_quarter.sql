{{ unit_quarter_mart([
    ['active_learners', 'integer'], ['badge_earners', 'integer'], ['badges', 'integer'],
    ['badges_per_learner', 'double'], ['l2_gamification', 'double'],
]) }}
